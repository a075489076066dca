/// What `queue.declare-ok` reports: the queue's name (useful for server-named queues) and counts.
public struct AMQPQueueState: Hashable, Sendable {
    /// The queue name.
    public var name: String
    /// Messages ready for delivery.
    public var messageCount: UInt32
    /// Active consumers.
    public var consumerCount: UInt32

    /// Creates a queue state.
    public init(name: String, messageCount: UInt32, consumerCount: UInt32) {
        self.name = name
        self.messageCount = messageCount
        self.consumerCount = consumerCount
    }
}
