import Foundation
import Logging
import Metrics
import NeutronClient
import PortwatchCore
import PortwatchStore
import ServiceLifecycle
import Synchronization

/// Converges the cloud's Neutron on Portwatch's verdicts: for every mirrored port whose
/// `data_plane_status` in Neutron (its ``NeutronPortRecord``) differs from the verdict (the
/// mirrored port's own value), `PUT /v2.0/ports/{id}` of the verdict.
///
/// - At most `concurrency` writes at once; each sends the value the port has when its turn comes,
///   so a port that flips back before its turn costs nothing.
/// - `DOWN` verdicts go before the rest.
/// - Connection errors, 5xx and a 401 that a fresh token did not cure pause every writer with a
///   growing delay (Neutron is down, not the port); the port is tried again.
/// - 404: the port is gone from Neutron; it leaves the mirror.
/// - Other 4xx: logged and counted, not retried until the port changes or the next resync.
/// - Each answer's value and revision are stored (batched) before the port counts as written, so
///   after a restart Portwatch still knows which values in Neutron are its own.
public final class WriteBackController: Service {
    let client: NeutronClient
    let state: BridgeState
    let concurrency: Int
    let logger: Logger
    let queue = WriteQueue()
    private let pause = Mutex(Pause())
    private let pending = Mutex(PendingRecords())
    /// Whether ``run()`` registered its observers (once: a replica may run it at each election won).
    private let observing = Mutex(false)

    struct Pause {
        var until: ContinuousClock.Instant?
        var backoff = Backoff()
    }

    struct PendingRecords {
        var written: [NeutronPort] = []
        var waiters: [CheckedContinuation<Void, Never>] = []
        var flushing = false
    }

    static let writes = Metrics.Timer(label: "portwatch_bridge_write_duration_seconds")
    static let queueDepth = Gauge(label: "portwatch_bridge_write_queue")

    public init(client: NeutronClient, state: BridgeState, concurrency: Int, logger: Logger) {
        self.client = client
        self.state = state
        self.concurrency = max(1, concurrency)
        self.logger = logger
    }

    /// Starts watching commits and runs the writers until graceful shutdown or cancellation; it may
    /// run again afterwards (a replica elected writer again), starting from every lagging port.
    public func run() async throws {
        let queue = queue
        queue.reopen()
        let first = observing.withLock { registered in
            defer { registered = true }
            return !registered
        }
        if first { observe() }
        markAll()
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await withDiscardingTaskGroup { group in
                    for _ in 0..<concurrency {
                        group.addTask { await self.work() }
                    }
                }
            } onGracefulShutdown: {
                queue.close()
            }
        } onCancel: {
            queue.close()
        }
    }

    private func observe() {
        let queue = queue
        let state = state
        state.repository.observeCommits { batch in
            for (id, port) in batch.changes.ports {
                guard let port, let record = state.record(id), record.lags(port.dataPlaneStatus) else { continue }
                queue.mark(id, urgent: port.dataPlaneStatus == .down)
            }
            if batch.reloaded { self.markAll() }
        }
        state.observeRecords { [weak self] ids in
            for id in ids { self?.markIfNeeded(id) }
        }
    }

    /// Queues every port whose Neutron value differs from its verdict.
    func markAll() {
        for entry in state.backlog() where !entry.inFlight {
            queue.mark(entry.portID, urgent: entry.desired == .down)
        }
        Self.queueDepth.record(queue.count)
    }

    func markIfNeeded(_ id: String) {
        guard let record = state.record(id), let port = state.repository.port(id), record.lags(port.dataPlaneStatus)
        else { return }
        queue.mark(id, urgent: port.dataPlaneStatus == .down)
    }

    private func work() async {
        while let id = await queue.next() {
            Self.queueDepth.record(queue.count)
            await waitOutPause()
            await write(id)
            let urgent = state.repository.port(id)?.dataPlaneStatus == .down
            queue.finished(id, urgent: urgent)
        }
    }

    /// One write of `id`'s current verdict, if it still differs from Neutron's value.
    func write(_ id: String) async {
        guard case (let record?, let port?) = await state.settled(id) else { return }
        let desired = record.target(for: port.dataPlaneStatus)
        guard desired != record.value else { return }
        var logger = logger
        logger[metadataKey: "port.id"] = "\(id)"
        state.beginWrite(id, desired)
        let started = ContinuousClock.now
        let result = await client.setDataPlaneStatus(portID: id, to: desired)
        switch result {
        case .success(let written):
            logger.debug(
                "data_plane_status written to Neutron",
                metadata: ["value": "\(desired?.rawValue ?? "null")", "revision": "\(written.revisionNumber)"])
            Self.writes.recordNanoseconds((ContinuousClock.now - started).nanosecondsClamped)
            resumeAfterSuccess()
            state.neutronAnswered(true)
            await recordWritten(written)
            state.endWrite(id)
        case .failure(let error) where error.code == .notFound:
            Self.count(error)
            logger.info("port gone from Neutron; leaving the mirror")
            state.endWrite(id)
            _ = try? await state.commit("drop") { changeSet, records, inFlight in
                changeSet.mirror(
                    networks: nil, ports: [], deletedPorts: [id], complete: false, records: records, inFlight: inFlight)
            }
        case .failure(let error) where error.isTransient:
            Self.count(error)
            state.neutronAnswered(error.status != nil)
            state.endWrite(id, error: error.description)
            let delay = pauseAfterFailure()
            logger.warning(
                "Neutron write failed; pausing writes", metadata: ["error": "\(error)", "retry.in": "\(delay)"])
            queue.mark(id, urgent: desired == .down)
        case .failure(let error):
            Self.count(error)
            state.endWrite(id, error: error.description)
            logger.error(
                "Neutron refused the write; not retried until the port changes", metadata: ["error": "\(error)"])
        }
    }

    static func count(_ error: NeutronClientError) {
        Counter(label: "portwatch_bridge_neutron_errors_total", dimensions: [("code", error.code.description)])
            .increment()
    }

    // MARK: Records of writes, batched

    /// Stores what Neutron answered; returns once durable. Writes that finish while a batch is
    /// being stored go in the next one.
    func recordWritten(_ port: NeutronPort) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let flush = pending.withLock { pending in
                pending.written.append(port)
                pending.waiters.append(continuation)
                if pending.flushing { return false }
                pending.flushing = true
                return true
            }
            if flush { Task { await self.flushRecords() } }
        }
    }

    private func flushRecords() async {
        while true {
            let (written, waiters): ([NeutronPort], [CheckedContinuation<Void, Never>]) = pending.withLock { pending in
                if pending.written.isEmpty { pending.flushing = false }
                defer {
                    pending.written.removeAll()
                    pending.waiters.removeAll()
                }
                return (pending.written, pending.waiters)
            }
            if written.isEmpty { return }
            do {
                try await state.commit("written") { changeSet, records, _ in
                    changeSet.recordWrites(written, records: records)
                }
            } catch {
                // Not stored: the next resync reads the values back from Neutron.
                logger.error("could not store Neutron's answers", metadata: ["error": "\(error)"])
            }
            for waiter in waiters { waiter.resume() }
        }
    }

    // MARK: Pause after failures

    private func waitOutPause() async {
        while let until = pause.withLock({ $0.until }), until > ContinuousClock.now {
            try? await Task.sleep(until: until, clock: .continuous)
            if Task.isCancelled { return }
        }
    }

    private func pauseAfterFailure() -> Duration {
        pause.withLock { pause in
            let delay = pause.backoff.next()
            pause.until = ContinuousClock.now + delay
            return delay
        }
    }

    private func resumeAfterSuccess() {
        pause.withLock { pause in
            pause.until = nil
            pause.backoff.reset()
        }
    }
}

/// Exponential delays with jitter: 200 ms doubling up to `maximum`; each drawn from the upper half
/// of its step so that writers do not retry in lockstep.
struct Backoff: Sendable {
    var initial: Duration = .milliseconds(200)
    var maximum: Duration = .seconds(10)
    private var current: Duration?

    init(initial: Duration = .milliseconds(200), maximum: Duration = .seconds(10)) {
        self.initial = initial
        self.maximum = maximum
    }

    mutating func next() -> Duration {
        let step = current ?? initial
        current = min(step * 2, maximum)
        let nanoseconds = step.nanosecondsClamped
        return .nanoseconds(Int64.random(in: (nanoseconds / 2)...max(nanoseconds / 2, nanoseconds)))
    }

    mutating func reset() { current = nil }
}

extension Duration {
    var nanosecondsClamped: Int64 {
        let (seconds, attoseconds) = components
        return seconds > Int64.max / 1_000_000_000 ? .max : seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
