import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Watches one Open vSwitch database and reports its interfaces, its `Open_vSwitch` row and the
/// connection's state as a stream of ``OVSDBMonitorEvent``s, reconnecting for as long as it runs.
///
/// It monitors `Interface` (``OVSInterface/monitoredColumns``) and `Open_vSwitch`
/// (``OpenVSwitchRow/monitoredColumns``). After each reconnect the fresh snapshot replaces the old
/// state and only the differences are reported, so a consumer that applies events in order
/// converges; losing the connection is reported as ``OVSDBConnectionState/disconnected(reason:)``,
/// never as interfaces removed. Reconnects back off exponentially up to
/// ``Configuration/backoff``'s maximum.
///
/// A `Service`: run it in a `ServiceGroup`, or alone; it returns on cancellation or graceful
/// shutdown, and then finishes ``updates``.
///
/// ```swift
/// let monitor = OVSDBMonitor(endpoint: try OVSDBEndpoint("unix:/run/openvswitch/db.sock"), logger: logger)
/// async let running: Void = monitor.run()
/// for await event in monitor.updates {
///     if case .interfaceChanged(_, let new) = event, let port = new.neutronPortID {
///         print(port, new.linkState ?? .down)
///     }
/// }
/// ```
public final class OVSDBMonitor: Service, Sendable {
    /// How the monitor connects, retries and probes.
    public struct Configuration: Sendable {
        /// Per-connection settings (probe interval, message bound, connect timeout).
        public var connection: OVSDBClient.Configuration
        /// Delays between reconnect attempts.
        public var backoff: ReconnectBackoff
        /// When set, probe ovs-vswitchd's liveness on every connection (see
        /// ``OVSDBClient/probeVSwitch(timeout:bumpConfiguration:)``) and report changes as
        /// ``OVSDBMonitorEvent/vswitchLiveness(_:)``.
        public var livenessProbe: LivenessProbe?

        public init(
            connection: OVSDBClient.Configuration = .init(), backoff: ReconnectBackoff = .init(),
            livenessProbe: LivenessProbe? = nil
        ) {
            self.connection = connection
            self.backoff = backoff
            self.livenessProbe = livenessProbe
        }
    }

    /// How often and how ovs-vswitchd's liveness is probed.
    public struct LivenessProbe: Sendable {
        /// Time between probes.
        public var interval: Duration
        /// How long ovs-vswitchd may take to apply a `next_cfg` bump.
        public var timeout: Duration
        /// Whether to bump `next_cfg` (which catches a hung ovs-vswitchd) or only check its lock.
        public var bumpConfiguration: Bool

        public init(interval: Duration = .seconds(15), timeout: Duration = .seconds(10), bumpConfiguration: Bool = true)
        {
            self.interval = interval
            self.timeout = timeout
            self.bumpConfiguration = bumpConfiguration
        }
    }

    /// The database's events, in order. Iterate it from one task; it finishes when ``run()`` returns.
    public let updates: AsyncStream<OVSDBMonitorEvent>
    /// The endpoint watched.
    public let endpoint: OVSDBEndpoint
    private let configuration: Configuration
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let continuation: AsyncStream<OVSDBMonitorEvent>.Continuation

    /// The id of our monitor in `update` notifications.
    static let monitorID: JSONValue = "portwatch"

    /// Creates a monitor; nothing connects until ``run()``.
    public init(
        endpoint: OVSDBEndpoint, configuration: Configuration = .init(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, logger: Logger
    ) {
        self.endpoint = endpoint
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        var logger = logger
        logger[metadataKey: "ovsdb.endpoint"] = "\(endpoint)"
        self.logger = logger
        (updates, continuation) = AsyncStream.makeStream()
    }

    /// Connects, monitors and reconnects until cancelled or shut down gracefully. Call it once.
    public func run() async throws {
        await cancelWhenGracefulShutdown { await self.monitorUntilCancelled() }
    }

    private struct Retry {
        var backoff: ReconnectBackoff
        var attempt = 0
        var reportedDown = false
    }

    private func monitorUntilCancelled() async {
        defer { continuation.finish() }
        var state = OVSDBMonitorState()
        var retry = Retry(backoff: configuration.backoff)
        while !Task.isCancelled {
            var reason = "the OVSDB connection closed"
            do {
                try await session(state: &state, retry: &retry)
            } catch {
                reason = "\(error)"
            }
            if Task.isCancelled { break }
            logger.info("OVSDB connection lost", metadata: ["ovsdb.reason": "\(reason)"])
            if !retry.reportedDown {
                continuation.yield(.connection(.disconnected(reason: reason)))
                retry.reportedDown = true
            }
            retry.attempt += 1
            let delay = retry.backoff.next()
            continuation.yield(.connection(.reconnecting(attempt: retry.attempt, delay: delay)))
            do { try await Task.sleep(for: delay) } catch { break }
        }
    }

    private func session(state: inout OVSDBMonitorState, retry: inout Retry) async throws {
        let client = try await OVSDBClient.connect(
            to: endpoint, configuration: configuration.connection, eventLoopGroup: eventLoopGroup, logger: logger)
        defer { client.close() }
        try await withTaskCancellationHandler {
            try await monitor(client, state: &state, retry: &retry)
        } onCancel: {
            client.close()
        }
    }

    private func monitor(_ client: OVSDBClient, state: inout OVSDBMonitorState, retry: inout Retry) async throws {
        let database = "Open_vSwitch"
        guard try await client.listDatabases().contains(database) else {
            throw OVSDBError(
                code: .databaseMissing, message: "ovsdb-server at \(endpoint) serves no \(database) database")
        }
        let schema = try await client.schema(of: database)
        for table in ["Interface", "Open_vSwitch"] where schema.tables[table] == nil {
            throw OVSDBError(code: .databaseMissing, message: "the \(database) schema has no \(table) table")
        }
        let snapshot = try await client.monitor(
            database: database, id: Self.monitorID,
            requests: [
                "Interface": OVSDBMonitorRequest(columns: OVSInterface.monitoredColumns),
                "Open_vSwitch": OVSDBMonitorRequest(columns: OpenVSwitchRow.monitoredColumns),
            ])
        for event in state.replace(with: snapshot) { continuation.yield(event) }
        continuation.yield(.connection(.connected))
        logger.info("monitoring Open_vSwitch", metadata: ["ovsdb.interfaces": "\(state.interfaces.count)"])
        retry = Retry(backoff: configuration.backoff)

        try await withThrowingTaskGroup(of: Void.self) { group in
            if let probe = configuration.livenessProbe {
                group.addTask { await self.probeLiveness(client, probe) }
            }
            for try await notification in client.notifications where notification.method == "update" {
                guard notification.params.count == 2, notification.params[0] == Self.monitorID else { continue }
                for event in state.apply(try OVSDBTableUpdates(json: notification.params[1])) {
                    continuation.yield(event)
                }
            }
            group.cancelAll()
        }
    }

    private func probeLiveness(_ client: OVSDBClient, _ probe: LivenessProbe) async {
        var last: VSwitchLiveness?
        while !Task.isCancelled {
            let liveness = await client.probeVSwitch(timeout: probe.timeout, bumpConfiguration: probe.bumpConfiguration)
            // A probe cut short by the connection is not news: the connection state says it.
            if Task.isCancelled || !client.channel.isActive { return }
            if liveness != last {
                continuation.yield(.vswitchLiveness(liveness))
                last = liveness
            }
            do { try await Task.sleep(for: probe.interval) } catch { return }
        }
    }
}
