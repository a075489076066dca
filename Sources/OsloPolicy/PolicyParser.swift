/// oslo.policy's rule language, parsed as `oslo_policy._parser` does, with errors instead of "fail closed".
///
/// Tokens are separated by whitespace; leading `(` and trailing `)` are split off a token (so
/// `%(project_id)s` keeps its parentheses), and `and`, `or`, `not` are operators in any case. oslo
/// reduces tokens greedily; for every rule it accepts, that gives the same tree as this grammar:
///
/// ```
/// or   := and ("or" and)*
/// and  := not ("and" not)*
/// not  := "not" not | "(" or ")" | check
/// ```
///
/// Where oslo logs "Failed to understand rule" and denies (a stray word, an unbalanced parenthesis, a
/// check without `:`, a token that is only a quoted string), this throws a ``PolicyError`` with code
/// ``PolicyError/Code/syntax``, so a bad override stops the start instead of silently denying.
struct PolicyParser {
    enum Token: Equatable {
        case open, close, and, or, not
        case check(String)
        /// A token wholly in quotes, which oslo produces but never reduces.
        case quoted(String)
    }

    private let tokens: [(token: Token, column: Int)]
    private var position = 0

    static func parse(_ text: String) throws(PolicyError) -> PolicyCheck {
        if text.isEmpty { return .allow }
        var parser = PolicyParser(tokens: tokenize(text))
        guard !parser.tokens.isEmpty else { throw PolicyError(.syntax, "the rule is only whitespace") }
        let check = try parser.parseOr()
        if let (token, column) = parser.peek {
            throw PolicyError(.syntax, "unexpected \(describe(token)) at column \(column)")
        }
        return check
    }

    private init(tokens: [(token: Token, column: Int)]) {
        self.tokens = tokens
    }

    /// oslo's `_parse_tokenize`, keeping each token's 1-based column for messages.
    static func tokenize(_ text: String) -> [(token: Token, column: Int)] {
        var tokens: [(token: Token, column: Int)] = []
        var column = 1
        var word = ""
        var wordColumn = 1
        func flush() {
            guard !word.isEmpty else { return }
            var start = word.startIndex
            var tokenColumn = wordColumn
            while start < word.endIndex, word[start] == "(" {
                tokens.append((.open, tokenColumn))
                start = word.index(after: start)
                tokenColumn += 1
            }
            let stripped = word[start...]
            var end = stripped.endIndex
            while end > stripped.startIndex, stripped[stripped.index(before: end)] == ")" {
                end = stripped.index(before: end)
            }
            let clean = String(stripped[..<end])
            if !clean.isEmpty {
                switch clean.lowercased() {
                case "and": tokens.append((.and, tokenColumn))
                case "or": tokens.append((.or, tokenColumn))
                case "not": tokens.append((.not, tokenColumn))
                default:
                    // oslo tests for quotes before it strips the trailing parentheses.
                    if stripped.count >= 2, let first = stripped.first, first == "'" || first == "\"",
                        stripped.last == first
                    {
                        tokens.append((.quoted(String(stripped.dropFirst().dropLast())), tokenColumn))
                    } else {
                        tokens.append((.check(clean), tokenColumn))
                    }
                }
            }
            var closeColumn = tokenColumn + clean.count
            for _ in 0..<stripped.distance(from: end, to: stripped.endIndex) {
                tokens.append((.close, closeColumn))
                closeColumn += 1
            }
            word = ""
        }
        for character in text {
            if character.isWhitespace {
                flush()
            } else {
                if word.isEmpty { wordColumn = column }
                word.append(character)
            }
            column += 1
        }
        flush()
        return tokens
    }

    private var peek: (Token, Int)? {
        position < tokens.count ? (tokens[position].token, tokens[position].column) : nil
    }

    private mutating func take(_ token: Token) -> Bool {
        guard position < tokens.count, tokens[position].token == token else { return false }
        position += 1
        return true
    }

    private mutating func parseOr() throws(PolicyError) -> PolicyCheck {
        var checks = [try parseAnd()]
        while take(.or) { checks.append(try parseAnd(after: "or")) }
        return checks.count == 1 ? checks[0] : .or(checks)
    }

    private mutating func parseAnd(after operator: String? = nil) throws(PolicyError) -> PolicyCheck {
        var checks = [try parseNot(after: `operator`)]
        while take(.and) { checks.append(try parseNot(after: "and")) }
        return checks.count == 1 ? checks[0] : .and(checks)
    }

    private mutating func parseNot(after operator: String?) throws(PolicyError) -> PolicyCheck {
        guard let (token, column) = peek else {
            let what = `operator`.map { "after '\($0)'" } ?? "before the end of the rule"
            throw PolicyError(.syntax, "expected a check \(what)")
        }
        position += 1
        switch token {
        case .not:
            return .not(try parseNot(after: "not"))
        case .open:
            let inner = try parseOr()
            guard take(.close) else {
                if let (next, nextColumn) = peek {
                    throw PolicyError(.syntax, "expected ')' but found \(Self.describe(next)) at column \(nextColumn)")
                }
                throw PolicyError(.syntax, "the '(' at column \(column) is never closed")
            }
            return inner
        case .check(let text):
            return try Self.parseCheck(text)
        case .quoted(let text):
            throw PolicyError(
                .syntax,
                "'\(text)' at column \(column) is a quoted string, not a check (write KIND:'value' or 'value':KIND)")
        case .close, .and, .or:
            let what = `operator`.map { "after '\($0)'" } ?? "at column \(column)"
            throw PolicyError(.syntax, "expected a check \(what) but found \(Self.describe(token))")
        }
    }

    private static func describe(_ token: Token) -> String {
        switch token {
        case .open: "'('"
        case .close: "')'"
        case .and: "'and'"
        case .or: "'or'"
        case .not: "'not'"
        case .check(let text): "'\(text)'"
        case .quoted(let text): "'\(text)'"
        }
    }

    /// oslo's `_parse_check` with Neutron's registered kinds (`project_id`, `tenant_id`, `field`).
    static func parseCheck(_ text: String) throws(PolicyError) -> PolicyCheck {
        if text == "!" { return .deny }
        if text == "@" { return .allow }
        guard let colon = text.firstIndex(of: ":") else {
            throw PolicyError(.syntax, "'\(text)' is not a check: expected KIND:MATCH, '@' or '!'")
        }
        let kind = String(text[..<colon])
        let match = String(text[text.index(after: colon)...])
        switch kind {
        case "rule":
            guard !match.isEmpty else { throw PolicyError(.syntax, "'rule:' needs a rule name") }
            return .rule(match)
        case "role":
            return .role(try PolicyTemplate(parsing: match))
        case "project_id", "tenant_id":
            // Neutron's OwnerCheck refuses any other form when the policy is loaded.
            guard match.hasPrefix("%("), match.hasSuffix(")s"), match.count > 4 else {
                throw PolicyError(.syntax, "'\(text)' must have the form \(kind):%(field)s")
            }
            let field = String(match.dropFirst(2).dropLast(2))
            guard !field.contains(")") else {
                throw PolicyError(.syntax, "'\(text)' must have the form \(kind):%(field)s")
            }
            return .owner(kind: kind, field: field)
        case "field":
            guard let resourceEnd = match.firstIndex(of: ":"),
                let equals = match[resourceEnd...].firstIndex(of: "=")
            else {
                throw PolicyError(.syntax, "'\(text)' must have the form field:RESOURCE:FIELD=VALUE")
            }
            let resource = String(match[..<resourceEnd])
            let field = String(match[match.index(after: resourceEnd)..<equals])
            let value = String(match[match.index(after: equals)...])
            return .field(try PolicyCheck.FieldMatch(resource: resource, field: field, value: value))
        case "http", "https":
            throw PolicyError(.syntax, "'\(text)': remote (\(kind):) checks are not supported")
        default:
            let subject =
                pythonLiteral(kind).map(PolicyCheck.GenericMatch.Subject.literal)
                ?? .credential(kind.split(separator: ".", omittingEmptySubsequences: false).map(String.init))
            return .generic(
                PolicyCheck.GenericMatch(kind: kind, subject: subject, match: try PolicyTemplate(parsing: match)))
        }
    }
}

extension PolicyParser {
    /// `str(ast.literal_eval(text))` for the literals oslo accepts on the left of a generic check (quoted
    /// strings, `True`/`False`/`None`, numbers); `nil` for anything else, which names a credential.
    static func pythonLiteral(_ text: String) -> String? {
        switch text {
        case "True", "False", "None": return text
        default: break
        }
        if text.count >= 2, let quote = text.first, quote == "'" || quote == "\"", text.last == quote {
            return unescape(text.dropFirst().dropLast())
        }
        let digits = text.first == "-" || text.first == "+" ? text.dropFirst() : Substring(text)
        guard let first = digits.first, first.isASCII, first.isNumber || first == "." else { return nil }
        if digits.allSatisfy({ $0.isASCII && $0.isNumber }), let integer = Int(text) {
            return String(integer)
        }
        if digits.allSatisfy({ $0.isASCII && ($0.isNumber || "._eE+-".contains($0)) }), let double = Double(text) {
            return PolicyValue.pythonFloat(double)
        }
        return nil
    }

    private static func unescape(_ body: Substring) -> String {
        var text = ""
        var escaping = false
        for character in body {
            if escaping {
                switch character {
                case "n": text.append("\n")
                case "t": text.append("\t")
                default: text.append(character)
                }
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                text.append(character)
            }
        }
        return text
    }
}
