/// The basic-class properties of a message (the content header's property list). Every field is
/// optional; only the present ones are encoded, flagged in the 16-bit property-flags word.
///
/// ```swift
/// let properties = AMQPProperties(contentType: "application/json", contentEncoding: "utf-8", deliveryMode: 2)
/// ```
public struct AMQPProperties: Hashable, Sendable {
    /// MIME content type, e.g. `application/json`.
    public var contentType: String?
    /// MIME content encoding, e.g. `utf-8`.
    public var contentEncoding: String?
    /// Application headers.
    public var headers: AMQPTable?
    /// 1 for transient, 2 for persistent messages.
    public var deliveryMode: UInt8?
    /// Priority, 0 to 9.
    public var priority: UInt8?
    /// Application correlation identifier.
    public var correlationID: String?
    /// Address to reply to.
    public var replyTo: String?
    /// Per-message TTL in milliseconds, as a decimal string (RabbitMQ's convention).
    public var expiration: String?
    /// Application message identifier.
    public var messageID: String?
    /// Seconds since the Unix epoch.
    public var timestamp: UInt64?
    /// Message type name.
    public var type: String?
    /// Creating user id; RabbitMQ checks it against the connection's user.
    public var userID: String?
    /// Creating application id.
    public var appID: String?

    /// Delivery mode of a message that survives a broker restart (if its queue is durable).
    public static let persistent: UInt8 = 2
    /// Delivery mode of a message kept in memory only.
    public static let transient: UInt8 = 1

    /// Creates properties; every argument defaults to absent.
    public init(
        contentType: String? = nil,
        contentEncoding: String? = nil,
        headers: AMQPTable? = nil,
        deliveryMode: UInt8? = nil,
        priority: UInt8? = nil,
        correlationID: String? = nil,
        replyTo: String? = nil,
        expiration: String? = nil,
        messageID: String? = nil,
        timestamp: UInt64? = nil,
        type: String? = nil,
        userID: String? = nil,
        appID: String? = nil
    ) {
        self.contentType = contentType
        self.contentEncoding = contentEncoding
        self.headers = headers
        self.deliveryMode = deliveryMode
        self.priority = priority
        self.correlationID = correlationID
        self.replyTo = replyTo
        self.expiration = expiration
        self.messageID = messageID
        self.timestamp = timestamp
        self.type = type
        self.userID = userID
        self.appID = appID
    }
}
