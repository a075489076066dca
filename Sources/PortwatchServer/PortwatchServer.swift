import Foundation
import AsyncHTTPClient
import Cluster
import Console
import FaultCorrelation
import FileWatching
import Hummingbird
import HummingbirdCore
import KeystoneAuth
import Logging
import NeutronAPI
import Notifications
import PolicyFile
import PortwatchCore
import PortwatchStore
import ServiceLifecycle
import SourceCredentials
import UnixSignals
import VSwitchSource

/// Wires Portwatch together: the store, the repository's writer, the HTTP API, and the sinks.
public struct PortwatchServer {
    public let configuration: ServerConfiguration
    public let repository: Repository
    public let router: Router<PortwatchRequestContext>
    public let correlation: CorrelationService
    /// Sinks, webhooks, live stream and outbox retention.
    public let notifications: NotificationHub
    /// The policy rules in force, replaced when the policy file changes.
    public let policy: ActivePolicy
    /// The static event-source credentials in force, when a credentials file is configured.
    public let sources: SourceAuthenticator?
    /// Bridge mode's parts, when the cloud's Neutron owns the ports (`--neutron-url`).
    public let bridge: Bridge?
    /// The replica's part in a cluster on PostgreSQL (election, change-log replay, forwarding); nil
    /// with SQLite.
    public let cluster: ClusterMember?
    /// `GET /v2.0/ports/{id}` answered on the event loop when it can be (``PortReadFastPath``).
    let immediatePortShow: PortReadFastPath.Answer
    /// `PUT /v2.0/ports/{id}` written from the event loop when it can be; nil in bridge mode, whose
    /// ports are read-only (the cloud's Neutron owns them).
    let immediatePortUpdate: PortReadFastPath.Update?
    /// The request metrics, when `/metrics` is served.
    let requestMetrics: RequestMetrics?
    /// What the store needs running (PostgreSQL's connection pool); started first, stopped last.
    let storeServices: [any Service]
    /// Opened once the ports agree with the stored faults; the HTTP server binds only then.
    let ready = StartupGate()
    let logger: Logger

    /// Opens the store (creating or migrating its schema) and builds the routes.
    public static func make(
        configuration: ServerConfiguration, metrics: MetricsEndpoint? = nil, logger: Logger
    ) async throws -> PortwatchServer {
        if let problem = configuration.insecureListenProblem { throw ServerConfigurationError(problem) }
        let backend: any StoreBackend
        var pool: PostgresClientService?
        var postgres: PostgresStore?
        if let path = configuration.sqlitePath {
            backend = try SQLiteStore(path: path, synchronous: configuration.sqliteSynchronous)
        } else if configuration.database.hasPrefix("postgres://") || configuration.database.hasPrefix("postgresql://") {
            let store = try PostgresStore(url: configuration.database, logger: logger)
            pool = PostgresClientService(store: store)
            postgres = store
            backend = store
        } else {
            throw ServerConfigurationError(
                "unsupported --database \(configuration.database): use sqlite:PATH or postgres://user@host:port/db")
        }
        do {
            return try await make(
                configuration: configuration, backend: backend, pool: pool, postgres: postgres, metrics: metrics,
                logger: logger)
        } catch {
            pool?.stop()
            throw error
        }
    }

    private static func make(
        configuration: ServerConfiguration, backend: any StoreBackend, pool: PostgresClientService?,
        postgres: PostgresStore?, metrics: MetricsEndpoint?, logger: Logger
    ) async throws -> PortwatchServer {
        let derivation = PortStatusDerivation(statusFollowsDataPlane: configuration.statusFollowsDataPlane)
        // A database that cannot be reached must fail the start, not retry in silence. The deadline
        // covers reaching it (the migrations' first statements), not loading a large store, which
        // takes as long as it takes (200,000 ports on a busy machine can need over a minute).
        try await withStartupDeadline(configuration.startupTimeout, what: configuration.redactedDatabase) {
            try await backend.migrate()
        }
        let repository = try await Repository(
            backend: backend, derivation: derivation,
            eventTypePrefix: configuration.bridge == nil ? "" : ChangeSet.bridgeEventTypePrefix,
            following: postgres != nil, logger: logger)
        let correlation = try await CorrelationService(
            repository: repository,
            options: .init(
                holdDown: configuration.flapHoldDown, maxClockSkew: configuration.maxEventClockSkew,
                learnedLinkGrace: configuration.learnedLinkGrace),
            logger: logger)
        // Loading decoded every stored row into short-lived buffers: give their pages back, and
        // after every large commit from now on.
        HeapTrimmer.trim()
        let trimmer = HeapTrimmer()
        repository.observeCommits { trimmer.committed($0) }
        let router = Router(context: PortwatchRequestContext.self)
        var bridge: Bridge?
        if let settings = configuration.bridge {
            bridge = try await Bridge.make(
                settings: settings, repository: repository, correlation: correlation, logger: logger)
        }
        var notifications = try await NotificationHub.make(
            settings: configuration.notificationSettings, repository: repository, logger: logger)
        notifications.fabric = FabricChangeSignal(repository: repository, kinds: CorrelationService.fabricDocumentKinds)
        let cluster = postgres.map { store in
            clusterMember(
                configuration, store: store, repository: repository, correlation: correlation,
                notifications: notifications, bridge: bridge, logger: logger)
        }
        if let cluster {
            router.add(middleware: WriteForwardingMiddleware(member: cluster, httpClient: forwardingClient))
            ClusterAPI(member: cluster, bridge: bridge).registerUnauthenticated(on: router)
        }
        metrics?.register(on: router)
        if let bridge { BridgeAPI(bridge: bridge).registerUnauthenticated(on: router, withReadiness: cluster == nil) }
        let policy = ActivePolicy(configuration.policyRules)
        let sources = configuration.sourceCredentialsFile.map { _ in
            SourceAuthenticator(configuration.sourceCredentials)
        }
        let console = Console(authMode: configuration.identityMode, keystone: configuration.keystone)
        console.registerPages(on: router)
        let api = NeutronAPI(
            repository: repository,
            identities: try await identities(configuration, sources: sources, logger: logger), policy: policy,
            correlation: correlation, eventSources: configuration.eventSources)
        api.register(on: router)
        if let bridge { BridgeAPI(bridge: bridge).registerAdmin(on: router) }
        if let cluster { ClusterAPI(member: cluster, bridge: bridge).registerAdmin(on: router) }
        NotificationsAPI(hub: notifications).register(on: router)
        console.registerSession(on: router)
        return PortwatchServer(
            configuration: configuration, repository: repository, router: router, correlation: correlation,
            notifications: notifications, policy: policy, sources: sources, bridge: bridge, cluster: cluster,
            immediatePortShow: { api.immediatePortShow(id: $0, headers: $1) },
            immediatePortUpdate: bridge == nil ? portUpdate(api, writingOnly: cluster != nil) : nil,
            requestMetrics: metrics?.requests,
            storeServices: pool.map { [$0] } ?? [], logger: logger)
    }

    /// ``NeutronAPI/immediatePortUpdate(id:headers:body:on:answer:)`` for ``PortReadFastPath``. On a
    /// replica of a cluster (`writingOnly`), only while it is the writer, and never for a request
    /// another replica forwarded: those are ``WriteForwardingMiddleware``'s, which forwards the
    /// follower's writes and answers the forwarded ones with the writer's commit.
    static func portUpdate(_ api: NeutronAPI, writingOnly: Bool) -> PortReadFastPath.Update {
        let repository = api.repository
        let forwarded = WriteForwardingMiddleware<PortwatchRequestContext>.forwardedHeader
        return { id, headers, body, eventLoop, answer in
            if writingOnly, repository.isFollowing || headers[forwarded] != nil { return false }
            return api.immediatePortUpdate(id: id, headers: headers, body: body, on: eventLoop, answer: answer)
        }
    }

    /// The identity resolver of the configured mode; in keystone mode, with its service token
    /// obtained (a start whose credentials Keystone refuses fails here, saying so).
    static func identities(
        _ configuration: ServerConfiguration, sources: SourceAuthenticator?, logger: Logger
    ) async throws -> IdentityResolver {
        guard configuration.identityMode == .keystone else {
            return IdentityResolver(mode: configuration.identityMode, sources: sources)
        }
        guard let settings = configuration.keystone else {
            throw ServerConfigurationError(
                "--auth keystone needs --keystone-url (or --os-cloud) and service credentials")
        }
        let validator = TokenValidator(settings: settings, httpClient: HTTPClient.shared, logger: logger)
        do {
            try await validator.prepare()
            logger.info("Keystone service token obtained", metadata: ["keystone": "\(settings.authURL)"])
        } catch let error where error.code == .serviceCredentialsRejected {
            throw ServerConfigurationError(
                "Keystone at \(settings.authURL) refused the service credentials: \(error.message)")
        } catch {
            // Keystone may come up after Portwatch: requests get 503 until it answers.
            logger.warning(
                "Keystone not reachable yet; requests are answered 503 until it is",
                metadata: ["keystone": "\(settings.authURL)", "error": "\(error)"])
        }
        return IdentityResolver(mode: .keystone, validator: validator, sources: sources)
    }

    /// The services to run, in start order (shut down in reverse: HTTP first, then notifications, the
    /// watchers of the policy and credentials files, the writer, the store's connection pool last).
    public func services() -> [any Service] {
        // For comparison, PORTWATCH_FAST_READS=0 routes every port read through Hummingbird, and
        // PORTWATCH_FAST_READS=decoded answers them only behind NIO's decoder; PORTWATCH_FAST_WRITES=0
        // routes every port update, and PORTWATCH_FAST_WRITES=decoded takes them only behind NIO's decoder.
        let fastReads = ProcessInfo.processInfo.environment["PORTWATCH_FAST_READS"]
        let fastWrites = ProcessInfo.processInfo.environment["PORTWATCH_FAST_WRITES"]
        let (answer, requestMetrics) = (immediatePortShow, requestMetrics)
        let update = fastWrites == "0" ? nil : immediatePortUpdate
        let server = HTTPServerBuilder {
            (responder: @escaping HTTPChannelHandler.Responder) -> any ServerChildChannel in
            PortwatchHTTP1Channel(
                responder: responder,
                fastPath: {
                    PortReadFastPath(
                        answer: fastReads == "0" ? nil : answer, update: update, metrics: requestMetrics, reads: $0)
                },
                preParser: {
                    fastReads == "0" || fastReads == "decoded"
                        ? nil
                        : PortReadPreParser(
                            answer: answer, update: fastWrites == "decoded" ? nil : update, metrics: requestMetrics,
                            reads: $0)
                })
        }
        let application = Application(
            router: NeutronRouter(router),
            server: server,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            logger: logger)
        let policyWatcher: [any Service] =
            configuration.policyFile.map { path in
                [PolicyFileWatcher(file: PolicyFile(path: path), policy: policy, logger: logger)]
            } ?? []
        var credentialsWatcher: [any Service] = []
        if let path = configuration.sourceCredentialsFile, let sources {
            let file = SourceCredentialsFile(path: path, knownSources: EventSourceEndpoints.names)
            credentialsWatcher.append(
                FileWatcher(
                    path: path, kind: "source credentials", logger: logger,
                    describe: { error in (error as? SourceCredentialsError)?.line.map { ["line": "\($0)"] } ?? [:] }
                ) {
                    let credentials = try file.load()
                    sources.replace(with: credentials)
                    return ["credentials": "\(credentials.count)"]
                })
        }
        if let cluster {
            // The writer's duties run inside the cluster member while this replica is the writer; a
            // follower serves the store's state at once (the writer reconciles it).
            ready.open()
            return storeServices + [cluster] + policyWatcher + credentialsWatcher + [
                GatedService(gate: ready, service: application)
            ]
        }
        let hostSide = Self.hostSideServices(configuration, correlation: correlation, ready: ready, logger: logger)
        // Bridge mode mirrors and writes once the ports agree with the stored faults.
        let bridgeSide: [any Service] = bridge?.services.map { GatedService(gate: ready, service: $0) } ?? []
        return storeServices + [
            RepositoryWriterService(repository: repository), CorrelationBackgroundService(correlation, ready: ready),
        ]
            + bridgeSide + policyWatcher + credentialsWatcher + hostSide + notifications.services() + [
                GatedService(gate: ready, service: application)
            ]
    }

    /// The Open vSwitch watchers of `--ovsdb`, started once the ports agree with the stored faults.
    static func hostSideServices(
        _ configuration: ServerConfiguration, correlation: CorrelationService, ready: StartupGate, logger: Logger
    ) -> [any Service] {
        guard !configuration.ovsdbTargets.isEmpty else { return [] }
        let source = OVSDBSource(
            targets: configuration.ovsdbTargets, probeInterval: configuration.ovsdbProbeInterval, logger: logger
        ) { events in
            do {
                _ = try await correlation.submitKnown(events)
            } catch {
                logger.error(
                    "OVSDB events not applied", metadata: ["error": "\(error)", "events": "\(events.count)"])
            }
        }
        // Events flow once the ports agree with the stored faults.
        return [GatedService(gate: ready, service: source)]
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

/// Runs the repository's group-commit writer. On graceful shutdown (it stops after every service
/// that writes) it stops accepting writes, commits the queued ones, and returns; nothing in flight is
/// cancelled.
struct RepositoryWriterService: Service {
    let repository: Repository

    func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask { await repository.runCheckpoints() }
            await withGracefulShutdownHandler {
                await repository.runWriter()
            } onGracefulShutdown: {
                repository.stopAccepting()
            }
            group.cancelAll()
        }
    }
}

/// Runs `service` once `gate` is open; returns without running it when shutdown comes first.
struct GatedService: Service {
    let gate: StartupGate
    let service: any Service

    func run() async throws {
        await withGracefulShutdownHandler {
            await gate.wait()
        } onGracefulShutdown: {
            gate.open()
        }
        guard !Task.isCancelled, !Task.isShuttingDownGracefully else { return }
        try await service.run()
    }
}

/// Runs a ``PostgresStore``'s connection pool until graceful shutdown reaches it.
///
/// The pool starts when the service is made, not when it runs: `make` migrates and loads the state
/// through it before any service runs.
struct PostgresClientService: Service {
    private let pool: Task<Void, Never>

    init(store: PostgresStore) {
        pool = Task { await store.run() }
    }

    func run() async throws {
        try? await gracefulShutdown()
        stop()
        await pool.value
    }

    /// Stops the pool (also used when the server fails to start).
    func stop() {
        pool.cancel()
    }
}

/// Runs `body`, failing with a ``ServerConfigurationError`` when it takes longer than `timeout`.
func withStartupDeadline<T: Sendable>(
    _ timeout: Duration, what: String, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            throw ServerConfigurationError("could not open the store \(what) within \(timeout)")
        }
        return value
    }
}
