/// Why a policy could not be loaded: a rule that does not parse, names an unknown rule, or is not known.
///
/// It names the rule and, for an operator's override, the line it came from, so a start-up failure
/// points at the line to fix:
///
/// ```
/// policy rule "update_port:data_plane_status" (line 4): expected a check after 'or'
/// ```
public struct PolicyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure; a struct over a private enum so that kinds can be added.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Kind: String, Sendable, Hashable {
            case syntax, undefinedReference, cyclicReference, unknownRule, duplicateRule
        }

        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// The rule text is not in the policy language.
        public static let syntax = Code(.syntax)
        /// A `rule:NAME` check names a rule that is not defined.
        public static let undefinedReference = Code(.undefinedReference)
        /// Rules reference each other in a cycle.
        public static let cyclicReference = Code(.cyclicReference)
        /// An override names a rule that is neither a default nor referenced by any rule (a typo, most likely).
        public static let unknownRule = Code(.unknownRule)
        /// A name is defined twice among the defaults or among the overrides.
        public static let duplicateRule = Code(.duplicateRule)

        /// The kind's name, e.g. `syntax`.
        public var description: String { kind.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// The rule at fault, when known.
    public var ruleName: String?
    /// The line of the override at fault, when the caller gave one.
    public var line: Int?
    /// What is wrong, without the rule name and line.
    public var message: String

    /// An error about `ruleName` (at `line`).
    public init(_ code: Code, _ message: String, ruleName: String? = nil, line: Int? = nil) {
        self.code = code
        self.message = message
        self.ruleName = ruleName
        self.line = line
    }

    /// `policy rule "NAME" (line N): MESSAGE`.
    public var description: String {
        var prefix = "policy"
        if let ruleName { prefix += " rule \"\(ruleName)\"" }
        if let line { prefix += " (line \(line))" }
        return prefix + ": " + message
    }

    /// This error attributed to a rule, keeping an attribution it already has.
    func attributed(to name: String, line: Int?) -> PolicyError {
        var error = self
        error.ruleName = error.ruleName ?? name
        error.line = error.line ?? line
        return error
    }
}
