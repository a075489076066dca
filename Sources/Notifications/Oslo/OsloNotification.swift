/// One outbox record as oslo.messaging's `messagingv2` driver publishes it.
///
/// ``body`` is the AMQP message body, `{"oslo.version": "2.0", "oslo.message": "<inner JSON>"}`;
/// ``message`` is the inner JSON object itself (what a notification listener hands to its endpoint,
/// and what webhooks receive).
public struct OsloNotification: Sendable, Hashable {
    /// The sequence of the outbox record.
    public var sequence: Int64
    /// `message_id`: the same for every delivery of the record.
    public var messageID: String
    /// `event_type`, e.g. `port.update.end`.
    public var eventType: String
    /// The inner message, JSON text (ASCII).
    public var message: [UInt8]
    /// The v2 envelope, JSON text (ASCII).
    public var body: [UInt8]
}
