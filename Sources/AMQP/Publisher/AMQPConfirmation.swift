import NIOCore

/// The broker's answer to one batch that ``AMQPPublisher/startPublishing(_:after:)`` published.
///
/// ```swift
/// let confirmation = try await publisher.startPublishing(messages, after: nil)
/// // ... publish more, or do other work ...
/// try await confirmation.confirmed()   // every message of the batch acked
/// ```
public struct AMQPConfirmation: Sendable {
    let future: EventLoopFuture<Void>
    let connection: AMQPConnection
    let channelID: UInt16
    let publisher: AMQPPublisher

    /// Returns when the broker acked every message of the batch.
    ///
    /// - Throws: ``AMQPError`` on a nack, a return, or when the channel or connection failed before
    ///   all acks arrived (the publisher then drops that channel or connection). Some messages of
    ///   the batch may have been taken: delivery is at least once.
    public func confirmed() async throws {
        do {
            try await future.get()
        } catch let error as AMQPError {
            await publisher.confirmationFailed(connection: connection, channelID: channelID, error: error)
            throw error
        }
    }
}
