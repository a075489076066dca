import NIOCore

/// The handler's view of one open (or opening, or closing) channel. Event-loop confined.
final class AMQPChannelState {
    enum Phase { case opening, open, closing }

    let id: UInt16
    var phase: Phase = .opening
    /// Promises of synchronous methods awaiting their reply; the broker answers in order.
    var pendingCalls = CircularBuffer<EventLoopPromise<AMQPMethod>>()
    /// Set once `confirm.select` was sent.
    var confirms: AMQPConfirmTracker?
    /// Bytes of returned content (after `basic.return`) still to be skipped.
    var returnedContent: ReturnedContent?
    /// Consumers by tag, and those whose `basic.consume-ok` has not come yet (in order).
    var consumers: [String: AsyncThrowingStream<AMQPDelivery, any Error>.Continuation] = [:]
    var pendingConsumers = CircularBuffer<AsyncThrowingStream<AMQPDelivery, any Error>.Continuation>()
    /// The delivery whose content is arriving.
    var delivery: PartialDelivery?

    enum ReturnedContent {
        case awaitingHeader
        case awaitingBody(remaining: UInt64)
    }

    init(id: UInt16) { self.id = id }

    /// Fails everything waiting on this channel.
    func failAll(_ error: AMQPError) {
        while let call = pendingCalls.popFirst() { call.fail(error) }
        confirms?.failAll(error)
        for consumer in consumers.values { consumer.finish(throwing: error) }
        consumers.removeAll()
        while let consumer = pendingConsumers.popFirst() { consumer.finish(throwing: error) }
    }
}
