import AMQP
import Logging
import NIOCore
import ServiceLifecycle

/// Reads the cloud's Neutron notifications from its RabbitMQ (`--neutron-amqp`): Portwatch's own
/// durable queue (``queueName`` by default) bound to the `neutron` exchange with the routing key
/// oslo.messaging's notifier publishes `info` notifications under (`notifications.info`, from
/// `[oslo_messaging_notifications] topics = notifications`). Each (re)connect asks for a full
/// resync: what was published while no queue of Portwatch's existed is lost.
public struct NeutronNotificationConsumer: Service {
    /// Portwatch's queue, unless configured otherwise.
    public static let queueName = "portwatch-bridge"

    let subscriber: AMQPSubscriber

    /// - Parameters:
    ///   - exchange: oslo.messaging's `control_exchange` of Neutron (`neutron`).
    ///   - topic: the notification topic (`notifications`); the routing key is `<topic>.info`.
    public init(
        configuration: AMQPConfiguration, sync: InventorySync, state: BridgeState, queue: String = queueName,
        exchange: String = "neutron", topic: String = "notifications", prefetch: UInt16 = 64, logger: Logger
    ) {
        subscriber = AMQPSubscriber(
            configuration: configuration,
            declarations: [
                // As oslo.messaging declares it (amqp_durable_queues = false); a durable one is used as it is.
                .exchange(name: exchange, type: .topic),
                .queue(name: queue, durable: true),
                .binding(queue: queue, exchange: exchange, routingKey: topic + ".info"),
            ],
            queue: queue, prefetch: prefetch, logger: logger,
            onConnect: {
                state.brokerConnected(true)
                sync.requestResync()
            },
            onDisconnect: { _ in state.brokerConnected(false) },
            handle: { delivery in
                guard let notification = NeutronNotification(body: Array(delivery.body.readableBytesView)) else {
                    return
                }
                await sync.apply(notification)
            })
        state.brokerConnected(false)
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await subscriber.run()
        }
    }
}
