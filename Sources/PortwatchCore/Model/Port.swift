import Foundation

/// A Neutron port with the attributes of the extensions Portwatch implements.
///
/// Field names follow Swift conventions; the wire names (`binding:host_id`, ...) live in
/// ``PortAttribute`` and the renderer.
public struct Port: Sendable, Hashable, Codable {
    public var id: String
    public var name: String = ""
    public var networkID: String
    public var projectID: String
    public var macAddress: String
    public var adminStateUp: Bool = true
    public var status: PortStatus = .down
    public var deviceID: String = ""
    public var deviceOwner: String = ""
    public var fixedIPs: [FixedIP] = []
    public var allowedAddressPairs: [AllowedAddressPair] = []
    public var extraDHCPOpts: [JSONValue] = []
    public var securityGroups: [String] = []
    public var description: String = ""
    public var bindingVnicType: String = "normal"
    public var bindingProfile: [String: JSONValue] = [:]
    public var bindingHostID: String = ""
    public var bindingVifType: String = "unbound"
    public var bindingVifDetails: [String: JSONValue] = [:]
    public var portSecurityEnabled: Bool = true
    public var dataPlaneStatus: DataPlaneStatus?
    /// The value an admin or integrator wrote through the API, which wins over correlation until cleared.
    public var dataPlaneStatusOverride: DataPlaneStatus?
    /// What fault correlation decided (nil until the port was first affected by a fault); the
    /// visible value is `dataPlaneStatusOverride ?? correlatedDataPlaneStatus`.
    public var correlatedDataPlaneStatus: DataPlaneStatus?
    public var tags: [String] = []
    public var createdAt: Date
    public var updatedAt: Date
    public var revisionNumber: Int = 1

    public init(id: String, networkID: String, projectID: String, macAddress: String, createdAt: Date) {
        self.id = id
        self.networkID = networkID
        self.projectID = projectID
        self.macAddress = macAddress
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }
}
