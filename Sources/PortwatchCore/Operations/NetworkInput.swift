/// The validated attributes of a network create or update request; nil means "not given".
public struct NetworkInput: Sendable, Hashable {
    public var projectID: String?
    public var name: String?
    public var description: String?
    public var adminStateUp: Bool?
    public var shared: Bool?
    public var mtu: Int?
    public var portSecurityEnabled: Bool?
    public var routerExternal: Bool?
    public var networkType: String?
    public var physicalNetwork: String?
    public var segmentationID: Int?
    public var availabilityZoneHints: [String]?
    public var vlanTransparent: Bool?
    public var qinq: Bool?

    public init() {}
}
