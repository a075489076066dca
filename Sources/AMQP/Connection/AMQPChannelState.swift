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

    enum ReturnedContent {
        case awaitingHeader
        case awaitingBody(remaining: UInt64)
    }

    init(id: UInt16) { self.id = id }

    /// Fails everything waiting on this channel.
    func failAll(_ error: AMQPError) {
        while let call = pendingCalls.popFirst() { call.fail(error) }
        confirms?.failAll(error)
    }
}
