import Foundation
import Logging
import PortwatchCore
import PortwatchStore
import ServiceLifecycle

/// Compacts the outbox: deletes records older than the retention that every sink has delivered,
/// and expires old webhook dead letters. Every change goes through the repository's writer.
///
/// Operator sinks (AMQP) bound the compaction: a record they have not delivered is kept, however
/// old. A webhook subscriber — anyone's, possibly slow or gone — holds records back only for
/// `webhookGrace` beyond the retention; past that they are pruned anyway and the subscriber gets one
/// dead letter naming the range it missed, so that one slow receiver cannot grow the outbox for
/// everyone. With no sink at all, records are kept for the retention only (the live stream and
/// `Last-Event-ID` resume read them meanwhile). The newest pruned sequence is kept as a cursor of
/// its own, so that sequences never restart after the outbox was emptied.
public struct OutboxRetention: Service {
    /// The cursor that remembers the last pruned sequence.
    public static let cursorName = "portwatch.retention"

    let repository: Repository
    /// How long records are kept at least.
    public let retention: Duration
    /// How much longer than `retention` an undelivered record is kept for a webhook subscriber.
    public let webhookGrace: Duration
    /// How long webhook dead letters are kept.
    public let deadLetterRetention: Duration
    /// Time between compactions.
    public let interval: Duration
    /// The names of the operator sinks whose cursors bound the compaction.
    let sinkNames: @Sendable () -> [String]
    /// The webhook subscriptions (read at each round, as webhooks come and go).
    let webhooks: WebhookRegistry?
    let logger: Logger

    /// Creates the service.
    public init(
        repository: Repository, retention: Duration = .seconds(86_400), webhookGrace: Duration = .seconds(86_400),
        deadLetterRetention: Duration = .seconds(7 * 86_400), interval: Duration = .seconds(60),
        sinkNames: @escaping @Sendable () -> [String], webhooks: WebhookRegistry? = nil, logger: Logger
    ) {
        self.repository = repository
        self.retention = retention
        self.webhookGrace = webhookGrace
        self.deadLetterRetention = deadLetterRetention
        self.interval = interval
        self.sinkNames = sinkNames
        self.webhooks = webhooks
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

    /// Deletes what may be deleted now; returns the number of outbox records deleted.
    @discardableResult
    public func pruneOnce(now: Date = Date()) async throws -> Int {
        let backend = repository.backend
        var limit = Int64.max
        for name in sinkNames() { limit = min(limit, try await backend.cursor(of: name)) }
        var webhookCursors: [(subscription: WebhookSubscription, cursor: Int64)] = []
        for subscription in webhooks?.all ?? [] {
            let stored = try await backend.cursor(of: subscription.sinkName)
            webhookCursors.append((subscription, max(stored, subscription.startSequence)))
        }
        let slowest = webhookCursors.map(\.cursor).min() ?? .max
        let cutoff = now.addingTimeInterval(-Self.seconds(retention))
        let hardCutoff = cutoff.addingTimeInterval(-Self.seconds(webhookGrace))
        var boundary: Int64 = 0
        var count = 0
        var after: Int64 = 0
        scan: while true {
            let page = try await backend.outboxRecords(after: after, limit: 1000)
            for record in page {
                guard record.sequence <= limit, record.event.occurredAt < cutoff else { break scan }
                if record.sequence > slowest, record.event.occurredAt >= hardCutoff { break scan }
                boundary = record.sequence
                count += 1
            }
            guard let last = page.last, page.count == 1000 else { break }
            after = last.sequence
        }
        let expired =
            try await webhooks?.deadLetterIDs(failedBefore: now.addingTimeInterval(-Self.seconds(deadLetterRetention)))
            ?? []
        guard boundary > 0 || !expired.isEmpty else { return 0 }
        let skipped = boundary > 0 ? webhookCursors.filter { $0.cursor < boundary } : []
        let missed = skipped.map { webhook in
            WebhookDeadLetter(
                webhookID: webhook.subscription.id, sequence: webhook.cursor + 1, eventType: "portwatch.expired",
                messageID: "", attempts: 0,
                lastError:
                    "records \(webhook.cursor + 1)-\(boundary) expired from the outbox before this webhook delivered them",
                failedAt: now, notification: Array("{}".utf8))
        }
        let retentionCursor = Self.cursorName
        try await repository.write { changeSet in
            if boundary > 0 {
                changeSet.setCursor(of: retentionCursor, to: boundary)
                changeSet.pruneOutbox(through: boundary)
            }
            for webhook in skipped { changeSet.setCursor(of: webhook.subscription.sinkName, to: boundary) }
            for deadLetter in missed {
                changeSet.putDocument(
                    kind: WebhookRegistry.deadLetterKind, id: deadLetter.documentID, body: deadLetter.document)
            }
            for id in expired { changeSet.putDocument(kind: WebhookRegistry.deadLetterKind, id: id, body: nil) }
        }
        if !skipped.isEmpty {
            logger.warning(
                "webhooks too far behind: records pruned before delivery",
                metadata: ["webhooks": "\(skipped.map(\.subscription.id))", "through": "\(boundary)"])
        }
        logger.debug(
            "outbox compacted",
            metadata: ["through": "\(boundary)", "deleted": "\(count)", "dead_letters_expired": "\(expired.count)"])
        return count
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
