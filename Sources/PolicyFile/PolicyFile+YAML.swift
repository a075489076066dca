import OsloPolicy
import Yams

extension PolicyFile {
    /// A YAML mapping of rule names to rule strings, each with the line of its key.
    ///
    /// Values must be strings, as oslo.policy requires: a bare `key:` (null), `true` or `3` is an
    /// error rather than a rule. An empty file, or one of comments only, overrides nothing.
    static func yamlOverrides(_ text: String, path: String) throws(PolicyFileError) -> [PolicyRules.Override] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw syntaxError(error, path: path)
        } catch {
            throw PolicyFileError(.syntax, path: path, "is not YAML: \(error)")
        }
        guard let root else { return [] }
        guard let mapping = root.mapping else {
            throw PolicyFileError(
                .shape, path: path, line: root.mark?.line,
                "must be a mapping of rule names to rules (\"update_port:data_plane_status\": \"role:custom\")")
        }
        var overrides: [PolicyRules.Override] = []
        for (key, value) in mapping {
            let line = key.mark?.line
            guard let name = key.scalar?.string, isString(key) else {
                throw PolicyFileError(.shape, path: path, line: line, "a rule name must be a string")
            }
            // A bare `!` is an empty string to YAML: too easy to write by mistake for "allow everyone".
            guard let rule = value.scalar, isString(value), !(rule.style == .plain && rule.string.isEmpty) else {
                throw PolicyFileError(
                    .shape, path: path, line: value.mark?.line ?? line,
                    "policy rule \"\(name)\": the rule must be a string (quote it: \"\(name)\": \"…\"; "
                        + "\"\" allows everyone)")
            }
            overrides.append((name, rule.string, line))
        }
        return overrides
    }

    /// Whether a node is text rather than YAML's null, boolean, number or a collection: quoted, or
    /// plain and resolved as a string.
    private static func isString(_ node: Node) -> Bool {
        node.scalar != nil && node.tag.description == Tag.Name.str.rawValue
    }

    /// libyaml's complaint, at the line it points to.
    private static func syntaxError(_ error: YamlError, path: String) -> PolicyFileError {
        func describe(_ context: YamlError.Context?, _ problem: String) -> String {
            guard let context else { return problem }
            return "\(problem) (\(context.text) at line \(context.mark.line))"
        }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            return PolicyFileError(
                .syntax, path: path, line: mark.line,
                "is not valid YAML: \(describe(context, problem)) at column \(mark.column)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let names = duplicates.map { "\"\($0)\"" }.joined(separator: ", ")
            return PolicyFileError(
                .shape, path: path, line: context.mark.line > 0 ? context.mark.line : nil,
                "policy rule \(names) is written more than once")
        case .reader(let problem, _, _, _):
            return PolicyFileError(.syntax, path: path, "is not valid YAML: \(problem)")
        default:
            return PolicyFileError(.syntax, path: path, "is not valid YAML: \(error)")
        }
    }
}
