import Foundation
import Logging
import PortwatchCore
import PortwatchStore
import ServiceLifecycle

/// Compacts the outbox: deletes records older than the retention that every sink has delivered.
///
/// With no sink configured, records are kept for the retention only (the live stream and
/// `Last-Event-ID` resume read them meanwhile). The newest pruned sequence is kept as a cursor of
/// its own, so that sequences never restart after the outbox was emptied.
public struct OutboxRetention: Service {
    /// The cursor that remembers the last pruned sequence.
    public static let cursorName = "portwatch.retention"

    let repository: Repository
    /// How long records are kept at least.
    public let retention: Duration
    /// Time between compactions.
    public let interval: Duration
    /// The names of the sinks whose cursors bound the compaction (read at each round, as webhooks
    /// come and go).
    let sinkNames: @Sendable () -> [String]
    let logger: Logger

    /// Creates the service.
    public init(
        repository: Repository, retention: Duration = .seconds(86_400), interval: Duration = .seconds(60),
        sinkNames: @escaping @Sendable () -> [String], logger: Logger
    ) {
        self.repository = repository
        self.retention = retention
        self.interval = interval
        self.sinkNames = sinkNames
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await pruneOnce()
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("outbox compaction failed", metadata: ["error": "\(error)"])
                }
                do { try await Task.sleep(for: interval) } catch { return }
            }
        }
    }

    /// Deletes what may be deleted now; returns the number of records deleted.
    @discardableResult
    public func pruneOnce(now: Date = Date()) async throws -> Int {
        let backend = repository.backend
        var limit = Int64.max
        for name in sinkNames() { limit = min(limit, try await backend.cursor(of: name)) }
        let cutoff = now.addingTimeInterval(-Self.seconds(retention))
        var boundary: Int64 = 0
        var after: Int64 = 0
        scan: while true {
            let page = try await backend.outboxRecords(after: after, limit: 1000)
            for record in page {
                guard record.sequence <= limit, record.event.occurredAt < cutoff else { break scan }
                boundary = record.sequence
            }
            guard let last = page.last, page.count == 1000 else { break }
            after = last.sequence
        }
        guard boundary > 0 else { return 0 }
        try await backend.setCursor(of: Self.cursorName, to: boundary)
        let deleted = try await backend.pruneOutbox(through: boundary)
        logger.debug("outbox compacted", metadata: ["through": "\(boundary)", "deleted": "\(deleted)"])
        return deleted
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
