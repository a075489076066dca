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
/// ```swift
/// let dispatcher = OutboxDispatcher(sink: sink, repository: repository, signal: signal, logger: logger)
/// let group = ServiceGroup(services: [dispatcher], logger: logger)   // or add it to an existing group
/// ```
///
/// On graceful shutdown it stops waiting at once, lets a delivery under way finish (cancelling it
/// after a few seconds), and stores the cursor.
public struct OutboxDispatcher: Service {
    /// The sink this dispatcher feeds.
    public let sink: any NotificationSink
    let repository: Repository
    let signal: OutboxSignal
    let batchSize: Int
    let backoff: RetryBackoff
    /// Records at or before this sequence are never delivered (a webhook created later).
    let startAfter: Int64
    let logger: Logger

    /// Creates a dispatcher.
    ///
    /// - Parameters:
    ///   - batchSize: the most records handed to the sink at once.
    ///   - backoff: delays between retries of a failing sink or store read.
    ///   - startAfter: skips records up to this sequence (for sinks created after them).
    public init(
        sink: any NotificationSink, repository: Repository, signal: OutboxSignal, batchSize: Int = 512,
        backoff: RetryBackoff = RetryBackoff(), startAfter: Int64 = 0, logger: Logger
    ) {
        self.sink = sink
        self.repository = repository
        self.signal = signal
        self.batchSize = max(1, batchSize)
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
        let cursorWriter = CursorWriter(sink: sink.name, repository: repository, logger: logger)
        guard var cursor = await loadCursor(stop: stop) else { return }
        cursor = max(cursor, startAfter)
        logger.debug("dispatcher started", metadata: ["cursor": "\(cursor)"])
        var retry = backoff
        var failures = 0
        while !stop.isStopped && !Task.isCancelled {
            let records: [OutboxRecord]
            do {
                records = try await repository.backend.outboxRecords(after: cursor, limit: batchSize)
            } catch {
                logger.error("outbox read failed", metadata: ["error": "\(error)"])
                let delay = retry.next()
                await stop.idle { try? await Task.sleep(for: delay) }
                continue
            }
            guard let last = records.last else {
                let after = cursor
                await stop.idle { [signal] in _ = await signal.wait(after: after) }
                continue
            }
            do {
                try await stop.work { [sink] in try await sink.deliver(records) }
            } catch {
                failures += 1
                let delay = retry.next()
                logger.warning(
                    "sink delivery failed, retrying",
                    metadata: [
                        "error": "\(error)", "first_sequence": "\(records[0].sequence)",
                        "records": "\(records.count)", "failures": "\(failures)", "retry_in": "\(delay)",
                    ])
                await stop.idle { try? await Task.sleep(for: delay) }
                continue
            }
            if failures > 0 {
                logger.info("sink delivering again", metadata: ["failures": "\(failures)"])
                failures = 0
            }
            retry.reset()
            cursor = last.sequence
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
