import OsloPolicy

/// Why a policy file could not be put in force: it cannot be read, it is not YAML or JSON of the
/// expected shape, or a rule in it does not load.
///
/// Its description names the file and the line to fix:
///
/// ```
/// /etc/portwatch/policy.yaml, line 4: policy rule "updte_port:data_plane_status": is not a known rule, …
/// ```
public struct PolicyFileError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure; a struct over a private enum so that kinds can be added.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Kind: String, Sendable, Hashable {
            case unreadable, syntax, shape, rule
        }

        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// The file cannot be read (missing, not permitted, not UTF-8).
        public static let unreadable = Code(.unreadable)
        /// The file is not valid YAML or JSON.
        public static let syntax = Code(.syntax)
        /// The document is not a mapping of rule names to rule strings.
        public static let shape = Code(.shape)
        /// A rule does not load: see ``PolicyFileError/policyError``.
        public static let rule = Code(.rule)

        /// The kind's name, e.g. `syntax`.
        public var description: String { kind.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// The policy file.
    public var path: String
    /// The line at fault, when known.
    public var line: Int?
    /// What is wrong, without the path and line.
    public var message: String
    /// The rule's failure, for ``Code/rule``.
    public var policyError: PolicyError?

    /// An error about `path` (at `line`).
    public init(_ code: Code, path: String, line: Int? = nil, _ message: String, policyError: PolicyError? = nil) {
        self.code = code
        self.path = path
        self.line = line
        self.message = message
        self.policyError = policyError
    }

    /// A rule of `path` that does not load.
    init(path: String, _ error: PolicyError) {
        var message = "policy"
        if let rule = error.ruleName { message += " rule \"\(rule)\"" }
        self.init(.rule, path: path, line: error.line, message + ": " + error.message, policyError: error)
    }

    /// `PATH, line N: MESSAGE`.
    public var description: String {
        path + (line.map { ", line \($0)" } ?? "") + ": " + message
    }
}
