/// Every network, port and security group, with the indexes that writes check (MAC per network,
/// ports per network, each project's default security group).
///
/// A value type: the store keeps the committed state, and a ``ChangeSet`` layers uncommitted changes
/// over it.
public struct ModelState: Sendable {
    public private(set) var networks: [String: Network] = [:]
    public private(set) var ports: [String: Port] = [:]
    public private(set) var portIDsByNetwork: [String: Set<String>] = [:]
    public private(set) var securityGroups: [String: SecurityGroup] = [:]
    /// Each project's default security group (project → group id).
    public private(set) var defaultSecurityGroupIDs: [String: String] = [:]
    /// The group of every security group rule (rule id → group id).
    public private(set) var securityGroupIDsByRule: [String: String] = [:]
    /// The highest ``SecurityGroupRule/standardAttributeID`` given so far.
    public private(set) var lastRuleNumber = 0
    private var portIDByMAC: [MACKey: String] = [:]
    /// Changes whenever a port is added or removed (not when one is updated), so that caches of the
    /// set of port ids know when to rebuild.
    public private(set) var portMembershipVersion = 0
    /// Fault correlation's committed state (nil when the repository runs without correlation).
    public var correlation: CorrelationState?

    struct MACKey: Hashable {
        var networkID: String
        var mac: String
    }

    public init() {}

    public init(
        networks: [Network], ports: [Port], securityGroups: [SecurityGroup] = [],
        membershipVersionAfter version: Int = 0
    ) {
        portMembershipVersion = version
        for network in networks { put(network) }
        for port in ports { put(port) }
        for group in securityGroups { put(group) }
        // A reloaded state must never reuse a version a cache may have seen.
        portMembershipVersion &+= 1
    }

    /// The port using `mac` on `networkID`, if any.
    public func portID(withMAC mac: String, inNetwork networkID: String) -> String? {
        portIDByMAC[MACKey(networkID: networkID, mac: mac)]
    }

    public mutating func put(_ network: Network) {
        networks[network.id] = network
    }

    public mutating func removeNetwork(_ id: String) {
        networks[id] = nil
        portIDsByNetwork[id] = nil
    }

    public mutating func put(_ port: Port) {
        if let old = ports[port.id] {
            if old.networkID == port.networkID, old.macAddress == port.macAddress {
                ports[port.id] = port
                return
            }
            unindex(old)
        } else {
            portMembershipVersion &+= 1
        }
        ports[port.id] = port
        portIDsByNetwork[port.networkID, default: []].insert(port.id)
        portIDByMAC[MACKey(networkID: port.networkID, mac: port.macAddress)] = port.id
    }

    public mutating func removePort(_ id: String) {
        guard let old = ports.removeValue(forKey: id) else { return }
        portMembershipVersion &+= 1
        unindex(old)
    }

    public mutating func put(_ group: SecurityGroup) {
        removeSecurityGroup(group.id)
        securityGroups[group.id] = group
        if group.isDefault { defaultSecurityGroupIDs[group.projectID] = group.id }
        for rule in group.rules {
            securityGroupIDsByRule[rule.id] = group.id
            lastRuleNumber = max(lastRuleNumber, rule.standardAttributeID)
        }
    }

    public mutating func removeSecurityGroup(_ id: String) {
        guard let old = securityGroups.removeValue(forKey: id) else { return }
        if defaultSecurityGroupIDs[old.projectID] == id { defaultSecurityGroupIDs[old.projectID] = nil }
        for rule in old.rules { securityGroupIDsByRule[rule.id] = nil }
    }

    /// The security group rule `id`, if any.
    public func securityGroupRule(_ id: String) -> SecurityGroupRule? {
        guard let group = securityGroupIDsByRule[id].flatMap({ securityGroups[$0] }) else { return nil }
        return group.rules.first { $0.id == id }
    }

    private mutating func unindex(_ port: Port) {
        portIDsByNetwork[port.networkID]?.remove(port.id)
        let key = MACKey(networkID: port.networkID, mac: port.macAddress)
        if portIDByMAC[key] == port.id { portIDByMAC[key] = nil }
    }

    /// Applies committed changes.
    public mutating func apply(_ changes: ChangeSet.Changes, correlation newCorrelation: CorrelationState?) {
        if let newCorrelation { correlation = newCorrelation }
        apply(changes)
    }

    /// Applies committed changes to networks, ports and security groups.
    public mutating func apply(_ changes: ChangeSet.Changes) {
        for (id, group) in changes.securityGroups {
            if let group { put(group) } else { removeSecurityGroup(id) }
        }
        for (id, network) in changes.networks {
            if let network { put(network) } else { removeNetwork(id) }
        }
        for (id, port) in changes.ports {
            if let port { put(port) } else { removePort(id) }
        }
    }
}
