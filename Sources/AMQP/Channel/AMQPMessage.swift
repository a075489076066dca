import NIOCore

/// A message to publish: where it goes, its body and its properties.
///
/// ```swift
/// let message = AMQPMessage(
///     exchange: "neutron", routingKey: "notifications.info", body: Array(json.utf8),
///     properties: AMQPProperties(contentType: "application/json", contentEncoding: "utf-8"))
/// ```
public struct AMQPMessage: Sendable, Hashable {
    /// The exchange to publish to; `""` is the default exchange (routing key = queue name).
    public var exchange: String
    /// The routing key.
    public var routingKey: String
    /// The body.
    public var body: ByteBuffer
    /// The message properties.
    public var properties: AMQPProperties
    /// Ask the broker to return the message (``AMQPError/Code/returned``) if no queue takes it.
    public var mandatory: Bool

    /// Creates a message from a `ByteBuffer` body.
    public init(
        exchange: String, routingKey: String, body: ByteBuffer, properties: AMQPProperties = AMQPProperties(),
        mandatory: Bool = false
    ) {
        self.exchange = exchange
        self.routingKey = routingKey
        self.body = body
        self.properties = properties
        self.mandatory = mandatory
    }

    /// Creates a message from bytes.
    public init(
        exchange: String, routingKey: String, body: [UInt8], properties: AMQPProperties = AMQPProperties(),
        mandatory: Bool = false
    ) {
        self.init(
            exchange: exchange, routingKey: routingKey, body: ByteBuffer(bytes: body), properties: properties,
            mandatory: mandatory)
    }

    /// Creates a message whose body is the UTF-8 encoding of `body`.
    public init(
        exchange: String, routingKey: String, body: String, properties: AMQPProperties = AMQPProperties(),
        mandatory: Bool = false
    ) {
        self.init(
            exchange: exchange, routingKey: routingKey, body: ByteBuffer(string: body), properties: properties,
            mandatory: mandatory)
    }
}
