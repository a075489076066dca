import Foundation

/// A Neutron security group (the `security-group` extension) with its rules.
///
/// Portwatch does not filter traffic: it keeps the groups so that ports name them as Neutron's do
/// (every project's `default` group, created on first use, on every new port with port security),
/// and so that clients that list, create and delete groups find them.
public struct SecurityGroup: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var projectID: String
    public var description: String = ""
    /// Whether this is the project's `default` group (created by Neutron, not by a request).
    public var isDefault: Bool = false
    public var stateful: Bool = true
    public var rules: [SecurityGroupRule] = []
    public var tags: [String] = []
    public var createdAt: Date
    public var updatedAt: Date
    public var revisionNumber: Int = 1

    /// The name every project's default group has.
    public static let defaultName = "default"

    public init(id: String, name: String, projectID: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.projectID = projectID
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }
}

/// One rule of a ``SecurityGroup``.
public struct SecurityGroupRule: Sendable, Hashable, Codable {
    public var id: String
    public var securityGroupID: String
    public var projectID: String
    /// `ingress` or `egress`.
    public var direction: String
    /// `IPv4` or `IPv6`.
    public var ethertype: String
    public var protocolName: String?
    public var portRangeMin: Int?
    public var portRangeMax: Int?
    public var remoteIPPrefix: String?
    /// The group whose members the rule admits (the group itself for the default ingress rules).
    public var remoteGroupID: String?
    /// Null unless a request set it, as Neutron renders a rule's description.
    public var description: String?
    /// Whether the rule belongs to its project's default group.
    public var belongsToDefaultGroup: Bool = false
    /// Neutron's `standard_attr_id`: a number no other rule has (its database row's, upstream).
    public var standardAttributeID: Int = 0
    public var createdAt: Date
    public var updatedAt: Date
    public var revisionNumber: Int = 0

    public init(
        id: String, securityGroupID: String, projectID: String, direction: String, ethertype: String,
        createdAt: Date
    ) {
        self.id = id
        self.securityGroupID = securityGroupID
        self.projectID = projectID
        self.direction = direction
        self.ethertype = ethertype
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }

    /// The rules Neutron 29's default security-group-rule templates give a group: egress to
    /// anywhere over IPv4 and IPv6 for every group, and for a project's default group also ingress
    /// from the group's own members.
    /// They are numbered (``standardAttributeID``), from the first number no rule has yet.
    public static func defaults(for group: SecurityGroup, now: Date, numberedFrom first: Int) -> [SecurityGroupRule] {
        var rules: [SecurityGroupRule] = []
        let directions = group.isDefault ? ["egress", "ingress"] : ["egress"]
        for direction in directions {
            for ethertype in ["IPv4", "IPv6"] {
                var rule = SecurityGroupRule(
                    id: RandomID.uuid(), securityGroupID: group.id, projectID: group.projectID,
                    direction: direction, ethertype: ethertype, createdAt: now)
                if direction == "ingress" { rule.remoteGroupID = group.id }
                rule.belongsToDefaultGroup = group.isDefault
                rule.standardAttributeID = first + rules.count
                rules.append(rule)
            }
        }
        return rules
    }
}

extension SecurityGroup {
    /// The kind of the store documents that hold security groups (one per group, rules included).
    public static let documentKind = "security-group"
}
