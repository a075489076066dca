import PortwatchCore

/// A destination for outbox records: a message bus, a webhook subscriber.
///
/// Contract: ``deliver(_:)`` returns only once every record of the batch is safely handed over
/// (for AMQP: confirmed by the broker), and throws otherwise. ``OutboxDispatcher`` then delivers
/// the same records again, so a sink sees each record at least once and in sequence order.
/// A sink may drop records it does not care about (filters) by returning normally.
///
/// ```swift
/// struct PrintSink: NotificationSink {
///     let name = "print"
///     func deliver(_ records: [OutboxRecord]) async throws {
///         for record in records { print(record.sequence, record.event.eventType) }
///     }
/// }
/// ```
public protocol NotificationSink: Sendable {
    /// A stable name: the key of the sink's delivery cursor in the store.
    var name: String { get }
    /// Delivers `records` (in sequence order, gap-free after the cursor); throws when not all were.
    func deliver(_ records: [OutboxRecord]) async throws
}

/// A sink that takes the next batch before the previous one is confirmed (a message bus with
/// publisher confirms), so that ``OutboxDispatcher`` keeps several batches in flight instead of
/// waiting one round trip per batch.
///
/// Contract: batches handed over one after another reach the destination in that order.
/// ``startDelivery(_:after:)`` with the delivery of the batch before it, still in flight, either
/// hands the batch over behind that one (on the same connection) or throws without handing
/// anything over; so a batch never overtakes one that may have to be delivered again. The
/// dispatcher moves its cursor only over batches whose ``PendingDelivery/delivered()`` returned,
/// oldest first.
public protocol PipelinedNotificationSink: NotificationSink {
    /// What ``startDelivery(_:after:)`` returns for one batch.
    associatedtype Delivery: PendingDelivery
    /// Hands `records` over without waiting for the destination's confirmation.
    func startDelivery(_ records: [OutboxRecord], after previous: Delivery?) async throws -> Delivery
}

/// One batch handed over by a ``PipelinedNotificationSink``.
public protocol PendingDelivery: Sendable {
    /// Returns once every record of the batch is safely delivered; throws when not all were.
    func delivered() async throws
}
