import ArgumentParser
import Foundation
import Logging
import Metrics
import Prometheus
import NeutronAPI
import PortwatchServer
import PortwatchStore

/// The `portwatch` command.
@main
struct Portwatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Portwatch: a Neutron-compatible port service whose data_plane_status tells the truth.",
        subcommands: [Serve.self],
        defaultSubcommand: Serve.self)
}

/// `portwatch serve`: runs the API server.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the server (embedded SQLite by default). Every option also reads PORTWATCH_<OPTION>.")

    static let environment = ProcessInfo.processInfo.environment

    @Option(help: "Address to listen on (PORTWATCH_HOST).")
    var host: String = environment["PORTWATCH_HOST"] ?? "127.0.0.1"

    @Option(help: "TCP port (PORTWATCH_PORT).")
    var port: Int = Int(environment["PORTWATCH_PORT"] ?? "") ?? 9696

    @Option(help: "Store: sqlite:PATH or postgres://user@host:port/db (PORTWATCH_DATABASE).")
    var database: String = environment["PORTWATCH_DATABASE"] ?? "sqlite:./portwatch.sqlite"

    @Option(help: "SQLite synchronous mode, FULL or NORMAL (PORTWATCH_SQLITE_SYNCHRONOUS).")
    var sqliteSynchronous: String = environment["PORTWATCH_SQLITE_SYNCHRONOUS"] ?? "FULL"

    @Flag(help: "Make status DOWN while data_plane_status is DOWN (PORTWATCH_STATUS_FOLLOWS_DATA_PLANE=1).")
    var statusFollowsDataPlane = ["1", "true", "yes"].contains(
        environment["PORTWATCH_STATUS_FOLLOWS_DATA_PLANE"]?.lowercased() ?? "")

    @Option(help: "Identity: headers (X-User-Id/X-Project-Id/X-Roles, admin without them) or noauth (PORTWATCH_AUTH).")
    var auth: String = environment["PORTWATCH_AUTH"] ?? "headers"

    @Option(
        help:
            "Notification sink URL, repeatable, e.g. amqp://guest:guest@127.0.0.1:5672/ (PORTWATCH_NOTIFY, comma-separated)."
    )
    var notify: [String] = (environment["PORTWATCH_NOTIFY"] ?? "").split(separator: ",").map(String.init)

    @Option(help: "Host name in notifications' publisher_id network.<host> (PORTWATCH_PUBLISHER_HOST).")
    var publisherHost: String = environment["PORTWATCH_PUBLISHER_HOST"] ?? ProcessInfo.processInfo.hostName

    @Option(help: "Flap-damping hold-down per port in seconds, 0 to disable (PORTWATCH_FLAP_HOLD_DOWN).")
    var flapHoldDown: Double = Double(environment["PORTWATCH_FLAP_HOLD_DOWN"] ?? "") ?? 1.0

    @Option(
        help: "Webhook attempts per notification before it goes to the dead letters (PORTWATCH_WEBHOOK_MAX_ATTEMPTS).")
    var webhookMaxAttempts: Int = Int(environment["PORTWATCH_WEBHOOK_MAX_ATTEMPTS"] ?? "") ?? 8

    @Option(help: "How long delivered outbox records are kept, e.g. 24h, 90m, 3600 (PORTWATCH_OUTBOX_RETENTION).")
    var outboxRetention: String = environment["PORTWATCH_OUTBOX_RETENTION"] ?? "24h"

    @Option(help: "Log level: trace, debug, info, notice, warning, error (PORTWATCH_LOG_LEVEL).")
    var logLevel: String = environment["PORTWATCH_LOG_LEVEL"] ?? "info"

    func run() async throws {
        var logger = Logger(label: "portwatch")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        var configuration = ServerConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.database = database
        guard let synchronous = SQLiteStore.Synchronous(rawValue: sqliteSynchronous.uppercased()) else {
            throw ValidationError("--sqlite-synchronous must be FULL or NORMAL")
        }
        configuration.sqliteSynchronous = synchronous
        configuration.statusFollowsDataPlane = statusFollowsDataPlane
        guard let mode = IdentityResolver.Mode(rawValue: auth) else {
            throw ValidationError("--auth must be headers or noauth")
        }
        configuration.identityMode = mode
        configuration.notify = notify
        configuration.publisherHost = publisherHost
        configuration.flapHoldDown = flapHoldDown
        guard webhookMaxAttempts >= 1 else { throw ValidationError("--webhook-max-attempts must be at least 1") }
        configuration.webhookMaxAttempts = webhookMaxAttempts
        guard let retention = ServerConfiguration.parseDuration(outboxRetention) else {
            throw ValidationError("--outbox-retention must be a duration such as 24h, 90m or 3600")
        }
        configuration.outboxRetention = retention
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let server = try await PortwatchServer.make(
            configuration: configuration, metrics: MetricsEndpoint(registry: registry), logger: logger)
        logger.info(
            "listening", metadata: ["address": "\(host):\(port)", "database": "\(configuration.redactedDatabase)"])
        try await server.run()
    }
}
