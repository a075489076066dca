import NeutronAPI
import PortwatchCore
import PortwatchStore

/// Everything `portwatch serve` can be told, from flags or `PORTWATCH_*` environment variables.
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 9696
    /// `sqlite:PATH` (the default, `sqlite:./portwatch.sqlite`) or `postgres://user[:password]@host[:port]/db`.
    public var database = "sqlite:./portwatch.sqlite"
    public var sqliteSynchronous: SQLiteStore.Synchronous = .full
    public var statusFollowsDataPlane = false
    public var identityMode: IdentityResolver.Mode = .headers
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

    public init() {}

    /// The SQLite path of `database`, or nil when it names another store.
    public var sqlitePath: String? {
        guard database.hasPrefix("sqlite:") else { return nil }
        let path = String(database.dropFirst("sqlite:".count))
        return path.hasPrefix("//") ? String(path.dropFirst(2)) : path
    }
}
