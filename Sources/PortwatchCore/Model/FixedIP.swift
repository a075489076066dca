/// One entry of a port's `fixed_ips`.
public struct FixedIP: Sendable, Hashable, Codable {
    public var subnetID: String?
    public var ipAddress: String?

    public init(subnetID: String?, ipAddress: String?) {
        self.subnetID = subnetID
        self.ipAddress = ipAddress
    }
}

/// One entry of a port's `allowed_address_pairs`; the MAC defaults to the port's own.
public struct AllowedAddressPair: Sendable, Hashable, Codable {
    public var ipAddress: String
    public var macAddress: String

    public init(ipAddress: String, macAddress: String) {
        self.ipAddress = ipAddress
        self.macAddress = macAddress
    }
}
