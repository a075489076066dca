import Foundation
import KeystoneAuth
import NeutronAPI
import Notifications
import OsloPolicy
import PortwatchCore
import PortwatchStore
import EventSources
import SourceCredentials
import VSwitchSource

/// Everything `portwatch serve` can be told, from flags or `PORTWATCH_*` environment variables.
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 9696
    /// `sqlite:PATH` (the default, `sqlite:./portwatch.sqlite`) or `postgres://user[:password]@host[:port]/db`.
    public var database = "sqlite:./portwatch.sqlite"
    public var sqliteSynchronous: SQLiteStore.Synchronous = .full
    public var statusFollowsDataPlane = false
    public var identityMode: IdentityResolver.Mode = .noauth
    /// Keystone, for `identityMode == .keystone`.
    public var keystone: KeystoneSettings?
    /// Listen beyond loopback in a mode that believes what clients say (`noauth`, `headers`).
    public var trustRemoteClients = false
    /// Notification sinks, e.g. `amqp://guest:guest@127.0.0.1:5672/`.
    public var notify: [String] = []
    /// The host part of oslo's `publisher_id` (`network.<host>`).
    public var publisherHost = "portwatch"
    /// Flap-damping hold-down per port, in seconds (0 disables damping).
    public var flapHoldDown: Double = 1.0
    /// Webhook attempts per notification before it is dead-lettered.
    public var webhookMaxAttempts = 8
    /// How long delivered outbox records are kept.
    public var outboxRetention: Duration = .seconds(86_400)
    /// Where webhooks may send (`--webhook-allow`; public addresses only by default).
    public var webhookDestinations: WebhookDestinationPolicy = .publicOnly
    /// The most webhooks one project may have.
    public var webhookMaxPerProject = 20
    /// How far in the future a fault event's time may be before it is clamped to its arrival.
    public var maxEventClockSkew: Double = 5
    /// The operator's policy file (`--policy-file`), watched for changes; nil serves the defaults.
    public var policyFile: String?
    /// The rules to start with: the defaults, with the policy file's overrides as loaded at start.
    public var policyRules: PolicyRules = AccessPolicy.defaultRules
    /// The operator's static event-source credentials file (`--source-credentials`), watched for
    /// changes; nil admits no source credential.
    public var sourceCredentialsFile: String?
    /// The source credentials to start with, as loaded from `sourceCredentialsFile` at start.
    public var sourceCredentials: [SourceCredential] = []
    /// Open vSwitch databases to watch (`--ovsdb [HOST=]ENDPOINT`).
    public var ovsdbTargets: [OVSDBTarget] = []
    /// How often ovs-vswitchd's liveness is probed on each of them.
    public var ovsdbProbeInterval: Duration = .seconds(15)
    /// How long a learned link stays after its host's reports stop naming it, in seconds.
    public var learnedLinkGrace: Double = 300
    /// The event sources' adapters with the `--config` file's options (the defaults without one).
    public var eventSources: [any EventSourceAdapter] = EventSourceEndpoints.adapters
    /// Bridge mode: the cloud's Neutron owns ports and networks (nil: Portwatch is the port API).
    public var bridge: BridgeSettings?

    /// With PostgreSQL: the URL the other replicas reach this one at (default `http://host:port`).
    public var advertiseURL: String?
    /// With PostgreSQL: this replica's stable name (default `hostname:port`).
    public var replicaName: String?
    /// With PostgreSQL: the secret shared by the replicas that authenticates forwarded writes (nil:
    /// a follower cannot forward, and answers writes 503).
    public var clusterSecret: String?

    public init() {}

    /// How long opening the store (connect, migrate, load) may take before the start fails.
    public var startupTimeout: Duration = .seconds(60)

    /// `database` with any password replaced by `***`, for logs.
    public var redactedDatabase: String {
        guard let scheme = database.range(of: "://"),
            let at = database.range(of: "@", range: scheme.upperBound..<database.endIndex),
            let colon = database.range(of: ":", range: scheme.upperBound..<at.lowerBound)
        else { return database }
        return String(database[..<colon.upperBound]) + "***" + String(database[at.lowerBound...])
    }

    /// Why this configuration must not start, when it trusts clients it cannot vouch for.
    public var insecureListenProblem: String? {
        guard identityMode.trustsClients, !trustRemoteClients, !Self.isLoopback(host) else { return nil }
        return
            "--auth \(identityMode.rawValue) believes whatever a client says about its identity, so it serves only loopback; "
            + "to listen on \(host), use --auth keystone, or pass --trust-remote-clients if a proxy in front of Portwatch "
            + "authenticates every request (and strips client-sent identity headers)"
    }

    /// Whether `host` is a loopback address or name.
    public static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased()
        return host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    /// The SQLite path of `database`, or nil when it names another store.
    public var sqlitePath: String? {
        guard database.hasPrefix("sqlite:") else { return nil }
        let path = String(database.dropFirst("sqlite:".count))
        return path.hasPrefix("//") ? String(path.dropFirst(2)) : path
    }
}
