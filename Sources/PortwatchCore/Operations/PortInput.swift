/// The validated attributes of a port create or update request; nil means "not given".
public struct PortInput: Sendable, Hashable {
    public var networkID: String?
    public var projectID: String?
    public var name: String?
    public var description: String?
    public var adminStateUp: Bool?
    public var macAddress: String?
    /// `mac_address: null`: a new generated address (the `port-mac-address-regenerate` extension).
    public var regeneratesMACAddress = false
    public var deviceID: String?
    public var deviceOwner: String?
    public var fixedIPs: [FixedIP]?
    public var securityGroups: [String]?
    /// Pairs whose MAC may be omitted (it defaults to the port's MAC).
    public var allowedAddressPairs: [AddressPairInput]?
    public var extraDHCPOpts: [JSONValue]?
    public var bindingHostID: String?
    public var bindingProfile: [String: JSONValue]?
    public var bindingVnicType: String?
    public var portSecurityEnabled: Bool?
    /// `.some(nil)` clears `data_plane_status`; nil leaves it alone.
    public var dataPlaneStatus: DataPlaneStatus??
    public var tags: [String]?

    public init() {}

    /// One requested allowed address pair.
    public struct AddressPairInput: Sendable, Hashable {
        public var ipAddress: String
        public var macAddress: String?

        public init(ipAddress: String, macAddress: String?) {
            self.ipAddress = ipAddress
            self.macAddress = macAddress
        }
    }
}
