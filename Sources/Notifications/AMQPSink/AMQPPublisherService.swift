import AMQP
import ServiceLifecycle

/// Runs an ``AMQPPublisher``'s connection loop as a service; closes the connection cleanly on
/// graceful shutdown.
public struct AMQPPublisherService: Service {
    /// The publisher kept connected.
    public let publisher: AMQPPublisher

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await publisher.run()
            }
        } catch is CancellationError {
            // Shutting down.
        }
    }
}
