import PortwatchCore

/// What the commits after a sequence changed, with the rows as they are now.
public struct ChangeLogBatch: Sendable {
    /// The newest sequence read (the caller's sequence when nothing is newer).
    public var through: Int64
    /// The log no longer holds the entries right after the caller's sequence: reload everything.
    public var truncated: Bool
    /// Networks touched, with their stored value (nil: deleted).
    public var networks: [(id: String, network: Network?)] = []
    /// Ports touched, with their stored value (nil: deleted).
    public var ports: [(id: String, port: PortwatchCore.Port?)] = []
    /// Documents touched, with their stored body (nil: deleted), of the kinds asked for.
    public var documents: [(kind: String, id: String, body: [UInt8]?)] = []
    /// The kinds of every document touched.
    public var documentKinds: Set<String> = []
    /// The newest outbox sequence after these commits.
    public var newestOutbox: Int64 = 0

    public init(through: Int64, truncated: Bool) {
        self.through = through
        self.truncated = truncated
    }
}
