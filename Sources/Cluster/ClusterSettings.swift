import Foundation

/// How one replica takes part in a cluster of Portwatch processes on one PostgreSQL database.
public struct ClusterSettings: Sendable {
    /// This replica's stable name (one row of the `replicas` table), e.g. `ctl1:9696`.
    public var replicaName: String
    /// The URL other replicas reach this one's API at, to forward writes when it is the writer.
    public var advertiseURL: String
    /// The shared secret that authenticates forwarded writes between replicas (nil: forwarding is
    /// refused, so a follower answers writes 503).
    public var secret: String?
    /// How often a follower reads the change log (a NOTIFY wakes it sooner).
    public var followInterval: Duration = .milliseconds(100)
    /// How often a follower tries to take the writer lock.
    public var electionInterval: Duration = .milliseconds(500)
    /// How often the writer checks that its lock session is alive; how long the check may take.
    public var lockCheckInterval: Duration = .milliseconds(500)
    public var lockCheckTimeout: Duration = .seconds(5)
    /// The server ends this replica's election session (releasing the writer lock) when it stays idle
    /// this long: a writer cut off without a reset (a partition that drops packets) cannot hold the
    /// lock longer. The session is used every ``followInterval`` or ``lockCheckInterval``.
    public var sessionIdleTimeout: Duration = .seconds(20)
    /// How often a replica writes its heartbeat.
    public var heartbeatInterval: Duration = .seconds(1)
    /// How long a follower waits for a reload of everything from the store before it gives that
    /// reload up and starts another (a reload on a connection that stopped answering would otherwise
    /// stop the follower for good; a given-up reload installs nothing).
    public var reloadTimeout: Duration = .seconds(60)
    /// How long a forwarded write's answer waits for this replica to apply its commit.
    public var readYourWritesTimeout: Duration = .seconds(10)
    /// `/readyz` fails when the database has not been read for this long.
    public var readyStaleness: Duration = .seconds(5)

    public init(replicaName: String, advertiseURL: String, secret: String?) {
        self.replicaName = replicaName
        self.advertiseURL = advertiseURL
        self.secret = secret
    }
}
