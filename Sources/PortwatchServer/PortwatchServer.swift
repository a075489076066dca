import FaultCorrelation
import Hummingbird
import Logging
import NeutronAPI
import Notifications
import PortwatchCore
import PortwatchStore
import ServiceLifecycle
import UnixSignals

/// Wires Portwatch together: the store, the repository's writer, the HTTP API, and the sinks.
public struct PortwatchServer {
    public let configuration: ServerConfiguration
    public let repository: Repository
    public let router: Router<PortwatchRequestContext>
    public let correlation: CorrelationService
    /// Sinks, webhooks, live stream and outbox retention.
    public let notifications: NotificationHub
    let logger: Logger

    /// Opens the store (creating or migrating its schema) and builds the routes.
    public static func make(
        configuration: ServerConfiguration, metrics: MetricsEndpoint? = nil, logger: Logger
    ) async throws -> PortwatchServer {
        guard let path = configuration.sqlitePath else {
            throw ServerConfigurationError("unsupported --database \(configuration.database): use sqlite:PATH")
        }
        let backend = try SQLiteStore(path: path, synchronous: configuration.sqliteSynchronous)
        let repository = try await Repository(
            backend: backend,
            derivation: PortStatusDerivation(statusFollowsDataPlane: configuration.statusFollowsDataPlane),
            logger: logger)
        let correlation = try await CorrelationService(
            repository: repository, options: .init(holdDown: configuration.flapHoldDown), logger: logger)
        let router = Router(context: PortwatchRequestContext.self)
        metrics?.register(on: router)
        NeutronAPI(
            repository: repository, identities: IdentityResolver(mode: configuration.identityMode),
            correlation: correlation
        ).register(on: router)
        let notifications = try await NotificationHub.make(
            settings: configuration.notificationSettings, repository: repository, logger: logger)
        NotificationsAPI(hub: notifications).register(on: router)
        return PortwatchServer(
            configuration: configuration, repository: repository, router: router, correlation: correlation,
            notifications: notifications, logger: logger)
    }

    /// The services to run, in start order (shut down in reverse: HTTP first, then notifications, the writer last).
    public func services() -> [any Service] {
        let application = Application(
            router: NeutronRouter(router),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            logger: logger)
        return [RepositoryWriterService(repository: repository), CorrelationBackgroundService(correlation)]
            + notifications.services() + [application]
    }

    /// Runs until SIGTERM or SIGINT, then drains and stops.
    public func run() async throws {
        let group = ServiceGroup(
            configuration: .init(
                services: services().map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }
}

/// A configuration that cannot run.
public struct ServerConfigurationError: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// Runs the repository's group-commit writer until graceful shutdown, finishing queued writes first.
struct RepositoryWriterService: Service {
    let repository: Repository

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await repository.runCheckpoints() }
                await repository.runWriter()
                group.cancelAll()
            }
        }
    }
}
