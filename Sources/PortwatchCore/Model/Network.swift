import Foundation

/// A Neutron network with the attributes of the extensions Portwatch implements.
public struct Network: Sendable, Hashable, Codable {
    public var id: String
    public var name: String = ""
    public var projectID: String
    public var adminStateUp: Bool = true
    public var mtu: Int = 1500
    public var status: PortStatus = .active
    public var shared: Bool = false
    public var portSecurityEnabled: Bool = true
    public var routerExternal: Bool = false
    /// `provider:network_type`: flat and vlan ride a physnet, vxlan/geneve/gre the overlay.
    public var networkType: String = "local"
    public var physicalNetwork: String?
    public var segmentationID: Int?
    public var description: String = ""
    public var availabilityZoneHints: [String] = []
    /// `vlan_transparent` as created (nil, as for networks stored before Portwatch kept it, is false).
    public var vlanTransparent: Bool?
    /// `qinq` as created (nil is false).
    public var qinq: Bool?
    public var tags: [String] = []
    public var createdAt: Date
    public var updatedAt: Date
    public var revisionNumber: Int = 1

    public init(id: String, projectID: String, createdAt: Date) {
        self.id = id
        self.projectID = projectID
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }
}
