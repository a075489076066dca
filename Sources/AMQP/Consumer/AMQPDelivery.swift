import NIOCore

/// A message the broker delivered to a consumer (`basic.deliver` with its content). Acknowledge it
/// with ``AMQPChannel/ack(_:multiple:)`` once processed; unacknowledged deliveries go back to the
/// queue when the channel or connection ends.
public struct AMQPDelivery: Sendable, Hashable {
    /// The consumer it was delivered to.
    public var consumerTag: String
    /// The channel-scoped tag to acknowledge.
    public var deliveryTag: UInt64
    /// Whether the broker delivered it before (to a consumer that did not acknowledge it).
    public var redelivered: Bool
    /// The exchange it was published to.
    public var exchange: String
    /// The routing key it was published with.
    public var routingKey: String
    /// The message properties.
    public var properties: AMQPProperties
    /// The body.
    public var body: ByteBuffer

    public init(
        consumerTag: String, deliveryTag: UInt64, redelivered: Bool, exchange: String, routingKey: String,
        properties: AMQPProperties, body: ByteBuffer
    ) {
        self.consumerTag = consumerTag
        self.deliveryTag = deliveryTag
        self.redelivered = redelivered
        self.exchange = exchange
        self.routingKey = routingKey
        self.properties = properties
        self.body = body
    }
}

/// The deliveries of one consumer, in order. The sequence ends when the consumer is cancelled (by
/// the broker, e.g. when its queue is deleted) and throws the ``AMQPError`` that ended its channel
/// or connection.
public struct AMQPConsumer: AsyncSequence, Sendable {
    public typealias Element = AMQPDelivery

    /// The tag the broker gave the consumer.
    public let tag: String
    /// The channel to acknowledge on.
    public let channel: AMQPChannel
    let deliveries: AsyncThrowingStream<AMQPDelivery, any Error>

    public func makeAsyncIterator() -> AsyncThrowingStream<AMQPDelivery, any Error>.AsyncIterator {
        deliveries.makeAsyncIterator()
    }
}

/// A delivery whose content frames are still arriving. Event-loop confined.
struct PartialDelivery {
    var method: (consumerTag: String, deliveryTag: UInt64, redelivered: Bool, exchange: String, routingKey: String)
    var properties: AMQPProperties?
    var remaining: UInt64 = 0
    var body: ByteBuffer

    var delivery: AMQPDelivery {
        AMQPDelivery(
            consumerTag: method.consumerTag, deliveryTag: method.deliveryTag, redelivered: method.redelivered,
            exchange: method.exchange, routingKey: method.routingKey, properties: properties ?? AMQPProperties(),
            body: body)
    }
}
