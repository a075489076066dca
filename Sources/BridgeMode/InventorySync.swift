import Foundation
import Logging
import Metrics
import NeutronClient
import PortwatchCore
import ServiceLifecycle
import Synchronization

/// Keeps the mirror equal to the cloud's Neutron: a full paginated read of networks, ports and
/// agents at start, every `interval`, and whenever ``requestResync()`` asks (after a broker
/// reconnect, when notifications may have been lost); in between, ``apply(_:)`` takes Neutron's
/// own notifications.
public final class InventorySync: Service {
    let client: NeutronClient
    let state: BridgeState
    let interval: Duration
    let logger: Logger
    private let requests: AsyncStream<Void>
    private let requester: AsyncStream<Void>.Continuation
    private let agentHosts = Mutex<[String: AgentHostMappings]>([:])
    /// Given the agents' mappings after each full sync (the server fills the topology's gaps with them).
    let onAgentMappings: @Sendable ([String: AgentHostMappings]) async -> Void

    static let lastSync = Gauge(label: "portwatch_bridge_last_sync_timestamp_seconds")
    static let syncs = Counter(label: "portwatch_bridge_syncs_total")
    static let backlog = Gauge(label: "portwatch_bridge_backlog")

    public init(
        client: NeutronClient, state: BridgeState, interval: Duration, logger: Logger,
        onAgentMappings: @escaping @Sendable ([String: AgentHostMappings]) async -> Void = { _ in }
    ) {
        self.onAgentMappings = onAgentMappings
        self.client = client
        self.state = state
        self.interval = interval
        self.logger = logger
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        requests = stream
        requester = continuation
    }

    /// Asks for a full resync as soon as the current one (if any) ends.
    public func requestResync() {
        requester.yield()
    }

    /// The hosts' mappings the agents reported at the last full sync.
    public var agentMappings: [String: AgentHostMappings] { agentHosts.withLock { $0 } }

    public func run() async throws {
        let requester = requester
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask { [interval] in
                    while !Task.isCancelled {
                        try? await Task.sleep(for: interval)
                        requester.yield()
                    }
                }
                // A failed sync is tried again soon (growing delays up to a minute), not only at
                // the next interval: the mirror is what correlation works on.
                var retry = Backoff(initial: .seconds(1), maximum: .seconds(60))
                var iterator = self.requests.makeAsyncIterator()
                var synced = await self.syncOnce()
                while true {
                    if synced {
                        retry.reset()
                    } else {
                        let delay = retry.next()
                        group.addTask {
                            try? await Task.sleep(for: delay)
                            requester.yield()
                        }
                    }
                    guard await iterator.next() != nil, !Task.isShuttingDownGracefully, !Task.isCancelled else { break }
                    synced = await self.syncOnce()
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            requester.finish()
        }
    }

    /// One full sync; true when it read and stored everything. A failure leaves the mirror as it was
    /// (the next one tries again).
    @discardableResult
    public func syncOnce() async -> Bool {
        let started = ContinuousClock.now
        Self.syncs.increment()
        let networks: [NeutronNetwork]
        let ports: [NeutronPort]
        switch await client.networks() {
        case .success(let value): networks = value
        case .failure(let error): return failed(error)
        }
        switch await client.ports() {
        case .success(let value): ports = value
        case .failure(let error): return failed(error)
        }
        switch await client.agents() {
        case .success(let agents):
            let hosts = AgentHostMappings.hosts(from: agents)
            agentHosts.withLock { $0 = hosts }
            if !hosts.isEmpty { await onAgentMappings(hosts) }
        case .failure(let error):
            // A Neutron without the agent extension (or a policy hiding it) still mirrors.
            logger.debug("agents not read", metadata: ["error": "\(error)"])
        }
        do {
            let state = state
            let outcome = try await state.commit("sync") { changeSet, records, inFlight in
                changeSet.mirror(
                    networks: networks, ports: ports, complete: true, records: records, inFlight: inFlight,
                    newer: state.changedByNotifications(since: started))
            }
            state.syncFinished(error: nil)
            Self.lastSync.record(Date().timeIntervalSince1970)
            Self.backlog.record(state.backlog().count)
            logger.info(
                "Neutron inventory synced",
                metadata: [
                    "networks": "\(networks.count)", "ports": "\(ports.count)", "changed": "\(outcome.records.count)",
                    "removed": "\(outcome.removed.count)", "overrides": "\(outcome.overrides.count)",
                    "took": "\(ContinuousClock.now - started)",
                ])
            return true
        } catch {
            state.syncFinished(error: "\(error)")
            logger.error("Neutron inventory not stored", metadata: ["error": "\(error)"])
            return false
        }
    }

    private func failed(_ error: NeutronClientError) -> Bool {
        WriteBackController.count(error)
        state.syncFinished(error: error.description)
        logger.warning("Neutron inventory not read", metadata: ["error": "\(error)"])
        return false
    }

    /// Applies one of Neutron's notifications to the mirror.
    public func apply(_ notification: NeutronNotification) async {
        do {
            // Marked before the commit: a full sync committing next must not undo it.
            switch notification.change {
            case .port(let port): state.notified([port.id])
            case .portDeleted(let id): state.notified([id])
            case .network(let network): state.notified([network.id])
            case .networkDeleted: break
            }
            switch notification.change {
            case .port(let port):
                try await state.commit("notification") { changeSet, records, inFlight in
                    changeSet.mirror(
                        networks: nil, ports: [port], complete: false, records: records, inFlight: inFlight)
                }
            case .portDeleted(let id):
                try await state.commit("notification") { changeSet, records, inFlight in
                    changeSet.mirror(
                        networks: nil, ports: [], deletedPorts: [id], complete: false, records: records,
                        inFlight: inFlight)
                }
            case .network(let network):
                try await state.commit("notification") { changeSet, records, inFlight in
                    changeSet.mirror(
                        networks: [network], ports: [], complete: false, records: records, inFlight: inFlight)
                }
            case .networkDeleted:
                // Its ports' deletions come as their own notifications; the network goes at the next sync.
                return
            }
            if let sent = notification.timestamp {
                let lag = max(0, Date().timeIntervalSince(sent))
                state.notificationLag(lag)
                Gauge(label: "portwatch_bridge_notification_lag_seconds").record(lag)
            }
        } catch {
            logger.error("Neutron notification not applied", metadata: ["error": "\(error)"])
        }
    }
}
