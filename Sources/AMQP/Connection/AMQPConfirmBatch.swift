import NIOCore

/// The messages of one `publish` call in confirm mode: completes its promise when every message
/// is acked, or fails it at the first nack, return or channel failure. Event-loop confined.
final class AMQPConfirmBatch {
    private let promise: EventLoopPromise<Void>
    private var remaining: Int
    private var isDone = false

    init(promise: EventLoopPromise<Void>, count: Int) {
        self.promise = promise
        self.remaining = count
    }

    /// Settles one message of the batch; `error` is nil for an ack.
    func settle(_ error: AMQPError?) {
        guard !isDone else { return }
        remaining -= 1
        if let error {
            isDone = true
            promise.fail(error)
        } else if remaining == 0 {
            isDone = true
            promise.succeed(())
        }
    }
}
