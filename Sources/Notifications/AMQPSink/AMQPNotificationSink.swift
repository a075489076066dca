import AMQP
import Logging
import PortwatchCore

/// Publishes outbox records to RabbitMQ exactly as Neutron's notifier does: oslo `messagingv2`
/// envelope, topic exchange `neutron`, routing key `notifications.info`, persistent JSON messages
/// (`application/json`, `utf-8`, delivery mode 2, priority 0, empty headers).
///
/// A batch counts as delivered only when the broker confirmed every message of it.
///
/// ```swift
/// let sink = try AMQPNotificationSink(url: "amqp://guest:guest@127.0.0.1:5672/", publisherHost: "ctl0",
///                                     namespace: namespace, logger: logger)
/// // services: sink.publisherService, OutboxDispatcher(sink: sink, ...)
/// ```
public struct AMQPNotificationSink: PipelinedNotificationSink {
    public let name: String
    /// Where the sink publishes.
    public let options: AMQPSinkOptions
    /// The publisher; run ``publisherService`` to keep its connection up.
    public let publisher: AMQPPublisher
    let formatter: LazyFormatter

    /// The properties kombu gives a JSON message that oslo.messaging publishes.
    public static let properties = AMQPProperties(
        contentType: "application/json", contentEncoding: "utf-8", headers: AMQPTable(), deliveryMode: 2, priority: 0)

    /// Creates a sink for `url` (see ``AMQPSinkOptions``).
    public init(url: String, publisherHost: String, namespace: NotificationNamespace, logger: Logger) throws {
        let options = try AMQPSinkOptions(url: url)
        self.options = options
        name = options.sinkName
        var logger = logger
        logger[metadataKey: "sink"] = "\(options.sinkName)"
        publisher = AMQPPublisher(
            configuration: options.configuration, declarations: options.declarations, logger: logger)
        formatter = LazyFormatter(publisherHost: publisherHost, namespace: namespace)
    }

    public func deliver(_ records: [OutboxRecord]) async throws {
        try await publisher.publish(try await messages(records))
    }

    /// Publishes `records` behind the batch of `previous` (on its channel) without waiting for the
    /// broker's acks.
    public func startDelivery(_ records: [OutboxRecord], after previous: AMQPConfirmation?) async throws
        -> AMQPConfirmation
    {
        try await publisher.startPublishing(try await messages(records), after: previous)
    }

    private func messages(_ records: [OutboxRecord]) async throws -> [AMQPMessage] {
        let formatter = try await formatter.get()
        return formatter.bodies(records).map { body in
            AMQPMessage(
                exchange: options.exchange, routingKey: options.routingKey, body: body, properties: Self.properties)
        }
    }

    /// A service keeping the publisher's connection up (reconnecting with backoff) until shutdown.
    public var publisherService: AMQPPublisherService { AMQPPublisherService(publisher: publisher) }
}

extension AMQPConfirmation: PendingDelivery {
    public func delivered() async throws { try await confirmed() }
}
