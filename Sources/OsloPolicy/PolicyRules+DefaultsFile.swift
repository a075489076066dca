extension PolicyRules {
    /// The sample policy file for `defaults`, as `oslopolicy-sample-generator --format yaml` writes it.
    ///
    /// Each rule is its description wrapped at 70 columns, its operations (`# PUT  /ports/{id}`), its
    /// intended scopes, and the rule itself commented out, so the file changes nothing until an operator
    /// uncomments a line:
    ///
    /// ```
    /// # Update ``data_plane_status`` attribute of a port
    /// # PUT  /ports/{id}
    /// # Intended scope(s): project
    /// #"update_port:data_plane_status": "rule:admin_only or role:data_plane_integrator"
    /// ```
    ///
    /// A renamed rule is followed by the alias line oslo suggests for its old name.
    public static func defaultsFile(_ defaults: [RuleDefault] = PolicyDefaults.all) -> String {
        defaults.map(entry).joined()
    }

    /// The sample policy file of the defaults these rules were built from (overrides are not shown).
    public func defaultsFile() -> String { Self.defaultsFile(defaults) }

    private static func entry(_ rule: RuleDefault) -> String {
        var text = ""
        if !rule.description.isEmpty { text += comment(rule.description) + "\n" }
        for operation in rule.operations where !operation.method.isEmpty && !operation.path.isEmpty {
            text += "# \(operation.method)  \(operation.path)\n"
        }
        if !rule.scopeTypes.isEmpty { text += "# Intended scope(s): " + rule.scopeTypes.joined(separator: ", ") + "\n" }
        text += "#\(quoted(rule.name)): \(quoted(rule.rule))\n\n"
        for old in rule.deprecatedNames {
            text += "# DEPRECATED\n"
            text +=
                comment(
                    "\"\(old)\" has been renamed \"\(rule.name)\". An override under the old name still applies while "
                        + "the new name is not overridden; to keep the old name as an alias, write:")
                + "\n"
            text += "# \(quoted(old)): \(quoted("rule:" + rule.name))\n\n"
        }
        return text
    }

    /// A YAML double-quoted scalar; oslo does not escape, but no rule text needs it beyond `"` and `\`.
    private static func quoted(_ text: String) -> String {
        var escaped = "\""
        for character in text {
            if character == "\"" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped + "\""
    }

    /// oslo's `_format_help_text`: paragraphs wrapped at 70 columns behind `# `, indented lines kept as
    /// they are, blank lines as a bare `#`.
    private static func comment(_ description: String) -> String {
        var lines: [String] = []
        var paragraph: [String] = []
        func flushParagraph() {
            lines += wrap(paragraph.joined(separator: " "))
            paragraph = []
        }
        let trimmed = description.trimmingWhitespace
        for line in trimmed.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.allSatisfy(\.isWhitespace) {
                flushParagraph()
                lines.append("#")
            } else if line.first?.isWhitespace == false {
                paragraph.append(String(line).trimmingTrailingWhitespace)
            } else {
                if !paragraph.isEmpty {
                    flushParagraph()
                    lines.append("#")
                }
                lines.append("# " + String(line).trimmingTrailingWhitespace)
            }
        }
        flushParagraph()
        return lines.joined(separator: "\n")
    }

    /// Python's `textwrap.wrap(text, 70, initial_indent='# ', subsequent_indent='# ')`, without its
    /// hyphen breaking (no description needs it).
    private static func wrap(_ text: String) -> [String] {
        let width = 70
        var lines: [String] = []
        var line = ""
        for word in text.split(whereSeparator: \.isWhitespace) {
            if line.isEmpty {
                line = "# " + word
            } else if line.count + 1 + word.count <= width {
                line += " " + word
            } else {
                lines.append(line)
                line = "# " + word
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}

extension String {
    fileprivate var trimmingWhitespace: String {
        String(drop(while: \.isWhitespace)).trimmingTrailingWhitespace
    }

    fileprivate var trimmingTrailingWhitespace: String {
        var text = self
        while text.last?.isWhitespace == true { text.removeLast() }
        return text
    }
}
