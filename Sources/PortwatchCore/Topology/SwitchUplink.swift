/// One uplink of a switch: the link to a higher-tier switch and the ports at both ends.
public struct SwitchUplink: Sendable, Hashable {
    /// The link's id.
    public var linkID: String
    /// The switch port on the lower (this) switch.
    public var localPortID: String
    /// The switch port on the higher switch.
    public var remotePortID: String
    /// The higher switch.
    public var remoteSwitchID: String

    /// Creates an uplink description.
    public init(linkID: String, localPortID: String, remotePortID: String, remoteSwitchID: String) {
        self.linkID = linkID
        self.localPortID = localPortID
        self.remotePortID = remotePortID
        self.remoteSwitchID = remoteSwitchID
    }
}
