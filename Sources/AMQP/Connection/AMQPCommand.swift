import NIOCore

/// What the public API asks of the connection handler; written into the pipeline and handled on
/// the event loop, where all connection state lives.
enum AMQPCommand: Sendable {
    /// Open a channel; the promise gets its number.
    case openChannel(EventLoopPromise<UInt16>)
    /// Send a synchronous method and complete the promise with the broker's reply.
    case call(channel: UInt16, AMQPMethod, EventLoopPromise<AMQPMethod>)
    /// Start a consumer (`basic.consume`): its deliveries go to the continuation once the broker's
    /// `consume-ok` (the promise's value) names it.
    case consume(
        channel: UInt16, AMQPMethod, AsyncThrowingStream<AMQPDelivery, any Error>.Continuation,
        EventLoopPromise<AMQPMethod>)
    /// Send a method the broker does not answer (`basic.ack`); the promise completes once written.
    case send(channel: UInt16, AMQPMethod, EventLoopPromise<Void>)
    /// Publish messages; in confirm mode the promise completes when all are acked.
    case publish(channel: UInt16, [AMQPMessage], EventLoopPromise<Void>)
    /// Close a channel (`channel.close` → `close-ok`).
    case closeChannel(channel: UInt16, EventLoopPromise<Void>)
    /// Close the connection (`connection.close` → `close-ok`, then TCP close).
    case close(EventLoopPromise<Void>)
}
