/// A rule as the service ships it: oslo.policy's `RuleDefault` / `DocumentedRuleDefault`.
///
/// Operators override ``rule`` by name; ``description``, ``operations`` and ``scopeTypes`` go into the
/// sample file and cannot be overridden. A rule that names operations is an API rule (`create_port`),
/// one without is a building block other rules reference (`admin_only`).
///
/// ```swift
/// RuleDefault(
///     "update_topology", "rule:admin_only or rule:service_api",
///     description: "Replace or edit the physical topology",
///     operations: [.init("PUT", "/topology")], scopeTypes: ["system", "project"])
/// ```
public struct RuleDefault: Sendable, Hashable {
    /// An API call a rule protects, as `oslopolicy-sample-generator` lists it: `# PUT  /ports/{id}`.
    public struct Operation: Sendable, Hashable {
        /// The HTTP method.
        public var method: String
        /// The path, without the `/v2.0` prefix as Neutron writes it.
        public var path: String

        /// An operation.
        public init(_ method: String, _ path: String) {
            self.method = method
            self.path = path
        }
    }

    /// The rule's name, e.g. `update_port:data_plane_status`.
    public var name: String
    /// The default rule text (the check string).
    public var rule: String
    /// What the rule protects, for the sample file.
    public var description: String
    /// The API calls the rule protects; empty for building-block rules.
    public var operations: [Operation]
    /// The token scopes the rule may be used with (`project`, `domain`, `system`); empty allows any.
    ///
    /// As in current oslo.policy, scope is always enforced: a system-scoped token is refused a
    /// project-scoped rule before its check runs.
    public var scopeTypes: [String]
    /// Earlier names of a renamed rule: an override under an old name still applies to this rule
    /// while this name is not overridden (oslo.policy's `DeprecatedRule` with another name).
    public var deprecatedNames: [String]

    /// A rule default.
    public init(
        _ name: String, _ rule: String, description: String, operations: [Operation] = [],
        scopeTypes: [String] = [], deprecatedNames: [String] = []
    ) {
        self.name = name
        self.rule = rule
        self.description = description
        self.operations = operations
        self.scopeTypes = scopeTypes
        self.deprecatedNames = deprecatedNames
    }
}
