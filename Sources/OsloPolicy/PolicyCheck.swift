/// A parsed rule: the tree of checks oslo.policy builds from a rule's text.
///
/// The language is oslo.policy's: `@` (always), `!` (never), `rule:NAME`, `role:NAME`,
/// `KIND:MATCH` generic checks, and `and`, `or`, `not` (binding in that order: not, and, or, any case)
/// with parentheses. Neutron's own checks are built in: `project_id:%(field)s` / `tenant_id:%(field)s`
/// (ownership) and `field:RESOURCE:FIELD=VALUE` (attribute value, `~` for a regular expression).
///
/// ```swift
/// let check = try PolicyCheck(parsing: "rule:admin_only or role:member and project_id:%(project_id)s")
/// ```
public indirect enum PolicyCheck: Sendable, Hashable, CustomStringConvertible {
    /// `@`, and the empty rule: always true.
    case allow
    /// `!`: always false.
    case deny
    /// `rule:NAME`: the named rule's verdict; false when it is not defined.
    case rule(String)
    /// `role:NAME`: the credentials hold the role, compared case-insensitively (`NAME` may substitute from the target).
    case role(PolicyTemplate)
    /// Neutron's `OwnerCheck`, `project_id:%(FIELD)s` or `tenant_id:%(FIELD)s`: the credential `KIND`
    /// equals `str(target[FIELD])`. `FIELD` may name a parent's field (`network:project_id`), which the
    /// caller puts in the target (Neutron fetches it from the plugin).
    case owner(kind: String, field: String)
    /// Neutron's `FieldCheck`, `field:RESOURCE:FIELD=VALUE`.
    case field(FieldMatch)
    /// oslo's `GenericCheck`, `KIND:MATCH`.
    case generic(GenericMatch)
    /// `not CHECK`.
    case not(PolicyCheck)
    /// `A and B and …`: true when every check is.
    case and([PolicyCheck])
    /// `A or B or …`: true when any check is.
    case or([PolicyCheck])

    /// Parses a rule's text; the empty string is ``allow``.
    public init(parsing text: String) throws(PolicyError) {
        self = try PolicyParser.parse(text)
    }

    /// The rule as oslo.policy prints a check tree: `(a or (b and c))`, `not x`, `kind:match`.
    public var description: String {
        switch self {
        case .allow: "@"
        case .deny: "!"
        case .rule(let name): "rule:\(name)"
        case .role(let role): "role:\(role)"
        case .owner(let kind, let field): "\(kind):%(\(field))s"
        case .field(let field): field.description
        case .generic(let generic): generic.description
        case .not(let check): "not \(check)"
        case .and(let checks): "(" + checks.map(\.description).joined(separator: " and ") + ")"
        case .or(let checks): "(" + checks.map(\.description).joined(separator: " or ") + ")"
        }
    }

    /// The names of the rules this check references with `rule:NAME`, in order of appearance.
    public var referencedRules: [String] {
        switch self {
        case .rule(let name): [name]
        case .not(let check): check.referencedRules
        case .and(let checks), .or(let checks): checks.flatMap(\.referencedRules)
        case .allow, .deny, .role, .owner, .field, .generic: []
        }
    }
}

extension PolicyCheck {
    /// oslo's `GenericCheck`: `KIND:MATCH`, where `MATCH` (after substitution from the target) must equal
    /// the credential at the dotted path `KIND`, or the Python literal `KIND` (`True`, `'Member'`, `42`).
    ///
    /// A list on the way (`roles:admin`) matches when any element does.
    public struct GenericMatch: Sendable, Hashable, CustomStringConvertible {
        /// What the match is compared with.
        public enum Subject: Sendable, Hashable {
            /// `str()` of a Python literal on the left (`True:%(enabled)s`, `'Member':%(role.name)s`).
            case literal(String)
            /// A credential key, split at dots (`token.project.id`).
            case credential([String])
        }

        /// The left side as written.
        public var kind: String
        /// The left side, interpreted.
        public var subject: Subject
        /// The right side.
        public var match: PolicyTemplate

        /// The check as written: `KIND:MATCH`.
        public var description: String { "\(kind):\(match)" }
    }

    /// Neutron's `FieldCheck`: `field:RESOURCE:FIELD=VALUE` is true when the target's `FIELD` equals
    /// `VALUE`, or, when `VALUE` starts with `~`, matches the regular expression after it at its start.
    ///
    /// Booleans compare as Neutron's `convert_to_boolean` reads `VALUE` (`True`, `false`, `1`, `off`, …).
    /// For `networks:shared` on a resource without `shared` (a port), the target key `network:shared`
    /// carries the network's value, as `network:project_id` carries its owner.
    public struct FieldMatch: Sendable, Hashable, CustomStringConvertible {
        /// The resource collection, e.g. `networks`.
        public var resource: String
        /// The attribute, e.g. `shared` or `router:external`.
        public var field: String
        /// The value as written (with its `~` when it is a regular expression).
        public var value: String
        /// The compiled expression, for `~` values.
        let regex: Pattern?

        init(resource: String, field: String, value: String) throws(PolicyError) {
            self.resource = resource
            self.field = field
            self.value = value
            regex = value.hasPrefix("~") ? try Pattern(String(value.dropFirst())) : nil
        }

        /// The check as written: `field:RESOURCE:FIELD=VALUE`.
        public var description: String { "field:\(resource):\(field)=\(value)" }

        /// Equal when written the same; the compiled expression follows from the value.
        public static func == (lhs: FieldMatch, rhs: FieldMatch) -> Bool {
            lhs.resource == rhs.resource && lhs.field == rhs.field && lhs.value == rhs.value
        }

        /// Hashes what `==` compares.
        public func hash(into hasher: inout Hasher) {
            hasher.combine(resource)
            hasher.combine(field)
            hasher.combine(value)
        }

        /// A compiled regular expression, matched at the start of the value like Python's `re.match`.
        struct Pattern: @unchecked Sendable {
            // Regex is immutable once built; the unchecked conformance only covers its generic storage.
            private let regex: Regex<AnyRegexOutput>

            init(_ pattern: String) throws(PolicyError) {
                do {
                    regex = try Regex(pattern)
                } catch {
                    throw PolicyError(.syntax, "'\(pattern)' is not a regular expression: \(error)")
                }
            }

            func matchesPrefix(of text: String) -> Bool {
                (try? regex.prefixMatch(in: text)) != nil
            }
        }
    }
}
