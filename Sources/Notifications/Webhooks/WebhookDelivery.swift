import AsyncHTTPClient
import Logging
import PortwatchStore
import ServiceLifecycle
import Synchronization

/// Runs one ``OutboxDispatcher`` per webhook subscription, each with its own cursor (so a slow or
/// failing subscriber holds up only itself), starting and stopping them as subscriptions come and go.
public final class WebhookDelivery: Service {
    private struct Worker {
        let stop: StopSignal
        let task: Task<Void, Never>
    }

    let registry: WebhookRegistry
    let signal: OutboxSignal
    let formatter: LazyFormatter
    let policy: WebhookDeliveryPolicy
    let destinations: WebhookDestinationPolicy
    let httpClient: HTTPClient
    let logger: Logger
    private let workers = Mutex<[String: Worker]>([:])
    private let stopped = Mutex(false)

    init(
        registry: WebhookRegistry, signal: OutboxSignal, formatter: LazyFormatter, policy: WebhookDeliveryPolicy,
        destinations: WebhookDestinationPolicy = .publicOnly, httpClient: HTTPClient, logger: Logger
    ) {
        self.destinations = destinations
        self.registry = registry
        self.signal = signal
        self.formatter = formatter
        self.policy = policy
        self.httpClient = httpClient
        self.logger = logger
    }

    /// Delivers until graceful shutdown or cancellation, then stops every subscriber's dispatcher.
    public func run() async throws {
        let current = registry.observe { [weak self] change in self?.apply(change) }
        for subscription in current { start(subscription) }
        let idle = StopSignal()
        await withGracefulShutdownHandler {
            await idle.idle {
                while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
            }
        } onGracefulShutdown: {
            idle.stop()
        }
        let running = stopped.withLock { stopped in
            stopped = true
            return workers.withLock { workers in
                defer { workers.removeAll() }
                return Array(workers.values)
            }
        }
        for worker in running { worker.stop.stop() }
        for worker in running { await worker.task.value }
    }

    private func apply(_ change: WebhookRegistry.Change) {
        switch change {
        case .created(let subscription):
            start(subscription)
        case .deleted(let id):
            if let worker = workers.withLock({ $0.removeValue(forKey: id) }) {
                worker.stop.stop()
                worker.task.cancel()
            }
        }
    }

    private func start(_ subscription: WebhookSubscription) {
        stopped.withLock { stopped in
            guard !stopped else { return }
            workers.withLock { workers in
                guard workers[subscription.id] == nil else { return }
                var logger = logger
                logger[metadataKey: "webhook"] = "\(subscription.id)"
                let sink = WebhookSink(
                    subscription: subscription, registry: registry, formatter: formatter, policy: policy,
                    destinations: destinations, httpClient: httpClient, logger: logger)
                let dispatcher = OutboxDispatcher(
                    sink: sink, repository: registry.repository, signal: signal, batchSize: 64, backoff: policy.backoff,
                    startAfter: subscription.startSequence, logger: logger)
                let stop = StopSignal(workGrace: .seconds(1))
                workers[subscription.id] = Worker(stop: stop, task: Task { await dispatcher.run(until: stop) })
            }
        }
    }
}
