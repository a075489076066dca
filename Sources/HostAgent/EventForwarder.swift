import Foundation
import Logging
import PortwatchClient
import PortwatchCore
import Synchronization

/// Forwards a host's fault events to Portwatch (`POST /v2.0/data-plane-events?unknown=ignore`),
/// never losing the latest state of a resource across Portwatch outages.
///
/// Events wait in a buffer keyed by source and resource: a newer event for the same resource
/// replaces the one waiting (only the latest state matters, and it keeps its own time), so the
/// buffer is bounded by the number of resources the host has. A failed send keeps the batch and
/// retries with capped exponential backoff; events are removed only once Portwatch has answered 2xx.
public final class EventForwarder: Sendable {
    struct Key: Hashable {
        var source: String
        var resource: PhysicalResourceRef
    }

    private struct State {
        var order: [Key] = []
        var waiting: [Key: FaultEvent] = [:]
        var wakeUp: CheckedContinuation<Void, Never>?
        var stopped = false
    }

    private let state = Mutex(State())
    let client: PortwatchClient
    let logger: Logger
    /// The most events one request carries.
    let batchSize: Int

    public init(client: PortwatchClient, batchSize: Int = 500, logger: Logger) {
        self.client = client
        self.batchSize = batchSize
        self.logger = logger
    }

    /// Events waiting to be sent.
    public var waitingCount: Int { state.withLock { $0.waiting.count } }

    /// Queues `events` (a newer one replaces a waiting one for the same source and resource).
    public func enqueue(_ events: [FaultEvent]) {
        guard !events.isEmpty else { return }
        let wake = state.withLock { state -> CheckedContinuation<Void, Never>? in
            for event in events {
                let key = Key(source: event.source, resource: event.resource)
                if state.waiting.updateValue(event, forKey: key) == nil { state.order.append(key) }
            }
            defer { state.wakeUp = nil }
            return state.wakeUp
        }
        wake?.resume()
    }

    /// Stops ``run()`` once it has nothing it can send.
    public func stop() {
        let wake = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.stopped = true
            defer { state.wakeUp = nil }
            return state.wakeUp
        }
        wake?.resume()
    }

    /// Sends until stopped (or cancelled), retrying failures.
    public func run() async {
        var delay = Duration.milliseconds(200)
        while !Task.isCancelled {
            let batch = state.withLock { state in state.order.prefix(batchSize).compactMap { state.waiting[$0] } }
            if batch.isEmpty {
                if state.withLock({ $0.stopped }) { return }
                await withCheckedContinuation { continuation in
                    let resumeNow = state.withLock { state -> Bool in
                        if !state.waiting.isEmpty || state.stopped { return true }
                        state.wakeUp = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
                continue
            }
            do {
                _ = try await client.send(.post, "/v2.0/data-plane-events?unknown=ignore", json: Self.body(batch))
                delay = .milliseconds(200)
                state.withLock { state in
                    for event in batch {
                        let key = Key(source: event.source, resource: event.resource)
                        // Sent unless a newer event replaced it meanwhile.
                        if state.waiting[key] == event { state.waiting[key] = nil }
                    }
                    state.order.removeAll { state.waiting[$0] == nil }
                }
            } catch {
                logger.warning(
                    "Portwatch did not take the events; retrying",
                    metadata: ["error": "\(error)", "waiting": "\(waitingCount)", "retry_in": "\(delay)"])
                if state.withLock({ $0.stopped }) { return }
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(30))
            }
        }
    }

    static func body(_ events: [FaultEvent]) -> [String: Any] {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return [
            "events": events.map { event in
                var item: [String: Any] = [
                    "resource_type": event.resource.kind.rawValue, "resource_id": event.resource.id,
                    "state": event.state.rawValue, "time": formatter.string(from: event.time), "source": event.source,
                ]
                if let reason = event.reason { item["reason"] = reason }
                return item
            }
        ]
    }
}
