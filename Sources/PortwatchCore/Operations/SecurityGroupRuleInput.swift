/// The converted attributes of a security group rule create request; nil means "not given".
public struct SecurityGroupRuleInput: Sendable, Hashable {
    public var projectID: String?
    public var securityGroupID: String
    public var direction: String
    /// `IPv4` unless given.
    public var ethertype: String = "IPv4"
    /// A protocol name in lower case or a number 0-255 as text; nil for any.
    public var protocolName: String?
    public var portRangeMin: Int?
    public var portRangeMax: Int?
    /// The prefix as netaddr writes it (`10.0.0.5/24`, `192.168.1.1/32`).
    public var remoteIPPrefix: String?
    public var remoteGroupID: String?
    public var remoteAddressGroupID: String?
    public var description: String?

    public init(securityGroupID: String, direction: String) {
        self.securityGroupID = securityGroupID
        self.direction = direction
    }
}
