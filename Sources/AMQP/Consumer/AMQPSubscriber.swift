import Logging
import NIOCore
import NIOPosix

/// A consumer that stays subscribed: connects, declares its topology (exchanges, its queue, the
/// bindings), sets `basic.qos` prefetch, consumes with acknowledgements, and reconnects with
/// backoff (100 ms doubling to 5 s, jittered) whenever the connection or channel ends.
///
/// Each delivery is acknowledged after `handle` returns, so a message whose handling was cut
/// short by a crash or a lost connection is delivered again. `onConnect` runs once the consumer
/// is subscribed after every (re)connect (messages published while disconnected to a queue that
/// did not survive are lost: resynchronise there), `onDisconnect` when a session ends.
///
/// ```swift
/// let subscriber = AMQPSubscriber(
///     configuration: try AMQPConfiguration(url: "amqp://guest:guest@rabbit/"),
///     declarations: [
///         .exchange(name: "neutron", type: .topic),
///         .queue(name: "portwatch-bridge", durable: true),
///         .binding(queue: "portwatch-bridge", exchange: "neutron", routingKey: "notifications.info"),
///     ],
///     queue: "portwatch-bridge", prefetch: 64, logger: logger
/// ) { delivery in await apply(delivery.body) }
/// try await subscriber.run()   // until the task is cancelled
/// ```
public final class AMQPSubscriber: Sendable {
    let configuration: AMQPConfiguration
    let declarations: [AMQPDeclaration]
    let queue: String
    let prefetch: UInt16
    let eventLoopGroup: any EventLoopGroup
    let logger: Logger
    let handle: @Sendable (AMQPDelivery) async -> Void
    let onConnect: @Sendable () async -> Void
    let onDisconnect: @Sendable (AMQPError) async -> Void

    public init(
        configuration: AMQPConfiguration, declarations: [AMQPDeclaration], queue: String, prefetch: UInt16 = 64,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, logger: Logger,
        onConnect: @escaping @Sendable () async -> Void = {},
        onDisconnect: @escaping @Sendable (AMQPError) async -> Void = { _ in },
        handle: @escaping @Sendable (AMQPDelivery) async -> Void
    ) {
        self.configuration = configuration
        self.declarations = declarations
        self.queue = queue
        self.prefetch = prefetch
        self.eventLoopGroup = eventLoopGroup
        var logger = logger
        logger[metadataKey: "amqp.broker"] = "\(configuration)"
        logger[metadataKey: "amqp.queue"] = "\(queue)"
        self.logger = logger
        self.handle = handle
        self.onConnect = onConnect
        self.onDisconnect = onDisconnect
    }

    /// Consumes until the task is cancelled; then closes the connection and returns.
    public func run() async throws {
        var backoff = AMQPBackoff()
        while !Task.isCancelled {
            let started = ContinuousClock.now
            do {
                try await session()
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled { return }
                let amqpError =
                    error as? AMQPError ?? AMQPError(code: .connectionLost, message: "consumer failed", cause: error)
                await onDisconnect(amqpError)
                // A session that held for a while starts the delays over.
                if ContinuousClock.now - started > .seconds(30) { backoff.reset() }
                let delay = backoff.next()
                logger.warning(
                    "AMQP consumer disconnected; reconnecting",
                    metadata: ["amqp.error": "\(amqpError)", "retry.in": "\(delay)"])
                try? await Task.sleep(for: delay)
            }
        }
    }

    /// One connection: subscribe, then handle deliveries until it ends (throws why).
    private func session() async throws {
        let connection = try await AMQPConnection.connect(
            configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger)
        do {
            try await consume(on: connection)
        } catch {
            connection.initiateClose()
            throw error
        }
    }

    private func consume(on connection: AMQPConnection) async throws {
        try await withTaskCancellationHandler {
            let channel = try await AMQPDeclaration.declareAll(declarations, on: connection, logger: logger)
            try await channel.basicQos(prefetchCount: prefetch)
            let consumer = try await channel.consume(queue: queue)
            logger.info("AMQP consumer subscribed", metadata: ["amqp.consumer": "\(consumer.tag)"])
            await onConnect()
            for try await delivery in consumer {
                await handle(delivery)
                try await channel.ack(delivery.deliveryTag)
            }
            if Task.isCancelled { throw CancellationError() }
            throw AMQPError(code: .channelClosed, message: "the broker cancelled the consumer")
        } onCancel: {
            connection.initiateClose()
        }
    }
}
