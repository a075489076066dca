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
