import Logging
import PortwatchCore
import PortwatchStore
import ServiceLifecycle

/// Relays the outbox to one ``NotificationSink``: at least once, in sequence order, resuming after a
/// crash or restart exactly where the sink's stored cursor says it stopped.
///
/// The loop reads the records after the cursor in batches, hands each batch to the sink, and moves
/// the cursor only after the sink returned. A failing sink is retried with capped exponential
/// backoff, never skipped. When the outbox has nothing new the dispatcher sleeps on the
/// ``OutboxSignal`` (no CPU, no polling) and wakes as soon as a change commits.
///
/// A ``PipelinedNotificationSink`` (AMQP with publisher confirms) gets up to `inFlight` batches
/// before the oldest is confirmed, so that reading and formatting the next batch overlap the
/// broker's work on the previous ones. The cursor still moves over confirmed batches only, oldest
/// first; when one fails, the later ones are dropped too and everything after the cursor is
/// delivered again, in order.
///
/// ```swift
/// let dispatcher = OutboxDispatcher(sink: sink, repository: repository, signal: signal, logger: logger)
/// let group = ServiceGroup(services: [dispatcher], logger: logger)   // or add it to an existing group
/// ```
///
/// On graceful shutdown it stops waiting at once, lets the deliveries under way finish (cancelling
/// the current one after a few seconds), and stores the cursor.
public struct OutboxDispatcher: Service {
    /// The sink this dispatcher feeds.
    public let sink: any NotificationSink
    let repository: Repository
    let signal: OutboxSignal
    let batchSize: Int
    let inFlight: Int
    let backoff: RetryBackoff
    /// Records at or before this sequence are never delivered (a webhook created later).
    let startAfter: Int64
    let logger: Logger

    /// Creates a dispatcher.
    ///
    /// - Parameters:
    ///   - batchSize: the most records handed to the sink at once.
    ///   - inFlight: the most batches a ``PipelinedNotificationSink`` has unconfirmed at once (other
    ///     sinks: always one).
    ///   - backoff: delays between retries of a failing sink or store read.
    ///   - startAfter: skips records up to this sequence (for sinks created after them).
    public init(
        sink: any NotificationSink, repository: Repository, signal: OutboxSignal, batchSize: Int = 512,
        inFlight: Int = 1, backoff: RetryBackoff = RetryBackoff(), startAfter: Int64 = 0, logger: Logger
    ) {
        self.sink = sink
        self.repository = repository
        self.signal = signal
        self.batchSize = max(1, batchSize)
        self.inFlight = max(1, inFlight)
        self.backoff = backoff
        self.startAfter = startAfter
        var logger = logger
        logger[metadataKey: "sink"] = "\(sink.name)"
        self.logger = logger
    }

    /// Delivers until graceful shutdown or cancellation.
    public func run() async throws {
        let stop = StopSignal()
        await withGracefulShutdownHandler {
            await run(until: stop)
        } onGracefulShutdown: {
            stop.stop()
        }
    }

    /// Delivers until `stop` is stopped or the task is cancelled.
    func run(until stop: StopSignal) async {
        if let pipelined = sink as? any PipelinedNotificationSink {
            await run(pipelined, inFlight: inFlight, until: stop)
        } else {
            await run(OneAtATime(sink: sink), inFlight: 1, until: stop)
        }
    }

    private func run<Sink: PipelinedNotificationSink>(_ sink: Sink, inFlight: Int, until stop: StopSignal) async {
        let cursorWriter = CursorWriter(sink: sink.name, repository: repository, logger: logger)
        guard var cursor = await loadCursor(stop: stop) else { return }
        cursor = max(cursor, startAfter)
        logger.debug("dispatcher started", metadata: ["cursor": "\(cursor)"])
        // Handed over and not yet confirmed, oldest first; `sent` is the last sequence handed over.
        var window: [(first: Int64, last: Int64, delivery: Sink.Delivery)] = []
        var sent = cursor
        var retry = backoff
        var failures = 0
        func failed(_ error: any Error, first: Int64, records: Int64) async {
            window.removeAll()
            sent = cursor
            failures += 1
            let delay = retry.next()
            logger.warning(
                "sink delivery failed, retrying",
                metadata: [
                    "error": "\(error)", "first_sequence": "\(first)", "records": "\(records)",
                    "failures": "\(failures)", "retry_in": "\(delay)",
                ])
            await stop.idle { try? await Task.sleep(for: delay) }
        }
        while !Task.isCancelled, !(stop.isStopped && window.isEmpty) {
            if !stop.isStopped, window.count < inFlight {
                let records: [OutboxRecord]
                do {
                    records = try await repository.backend.outboxRecords(after: sent, limit: batchSize)
                } catch {
                    logger.error("outbox read failed", metadata: ["error": "\(error)"])
                    if window.isEmpty {
                        let delay = retry.next()
                        await stop.idle { try? await Task.sleep(for: delay) }
                        continue
                    }
                    records = []
                }
                if let first = records.first?.sequence, let last = records.last?.sequence {
                    do {
                        let previous = window.last?.delivery
                        let delivery = try await stop.work { try await sink.startDelivery(records, after: previous) }
                        window.append((first, last, delivery))
                        sent = last
                    } catch {
                        await failed(error, first: window.first?.first ?? first, records: last - cursor)
                    }
                    continue
                }
                if window.isEmpty {
                    let after = sent
                    await stop.idle { [signal] in _ = await signal.wait(after: after) }
                    continue
                }
            }
            // The window is full, or nothing newer is committed: settle the oldest batch.
            let oldest = window.removeFirst()
            do {
                try await stop.work { try await oldest.delivery.delivered() }
            } catch {
                await failed(error, first: oldest.first, records: sent - cursor)
                continue
            }
            if failures > 0 {
                logger.info("sink delivering again", metadata: ["failures": "\(failures)"])
                failures = 0
            }
            retry.reset()
            cursor = oldest.last
            cursorWriter.advance(to: cursor)
        }
        await cursorWriter.flush()
        logger.debug("dispatcher stopped", metadata: ["cursor": "\(cursor)"])
    }

    private func loadCursor(stop: StopSignal) async -> Int64? {
        var retry = backoff
        while !stop.isStopped && !Task.isCancelled {
            do {
                return try await repository.backend.cursor(of: sink.name)
            } catch {
                logger.error("cursor read failed", metadata: ["error": "\(error)"])
                let delay = retry.next()
                await stop.idle { try? await Task.sleep(for: delay) }
            }
        }
        return nil
    }
}

/// A sink without pipelining seen as a pipelined one: each batch is delivered in full before
/// ``startDelivery(_:after:)`` returns.
private struct OneAtATime: PipelinedNotificationSink {
    struct Delivered: PendingDelivery {
        func delivered() async throws {}
    }

    let sink: any NotificationSink
    var name: String { sink.name }

    func deliver(_ records: [OutboxRecord]) async throws { try await sink.deliver(records) }

    func startDelivery(_ records: [OutboxRecord], after previous: Delivered?) async throws -> Delivered {
        try await sink.deliver(records)
        return Delivered()
    }
}
