/// The validated attributes of a security group create or update request; nil means "not given".
public struct SecurityGroupInput: Sendable, Hashable {
    public var projectID: String?
    public var name: String?
    public var description: String?
    public var stateful: Bool?

    public init() {}
}
