/// How notifications are delivered: the sinks (`--notify` URLs), the publisher name, webhook
/// delivery, outbox retention and the live stream's heartbeat.
public struct NotificationSettings: Sendable {
    /// Sink URLs; `amqp://user:pass@host:port/vhost[?exchange=neutron&topic=notifications]`.
    public var sinkURLs: [String]
    /// The host in `publisher_id` (`network.<host>`).
    public var publisherHost: String
    /// Webhook attempts, backoff and timeout.
    public var webhookPolicy: WebhookDeliveryPolicy
    /// How long delivered outbox records are kept (default 24 h).
    public var retention: Duration
    /// Time between outbox compactions (default 1 min).
    public var retentionInterval: Duration
    /// Time between heartbeat comments on idle live streams (default 15 s).
    public var heartbeatInterval: Duration
    /// Retry delays of a failing AMQP sink (default 100 ms doubling to 5 s).
    public var sinkBackoff: RetryBackoff

    public init(
        sinkURLs: [String] = [], publisherHost: String = "portwatch",
        webhookPolicy: WebhookDeliveryPolicy = WebhookDeliveryPolicy(), retention: Duration = .seconds(86_400),
        retentionInterval: Duration = .seconds(60), heartbeatInterval: Duration = .seconds(15),
        sinkBackoff: RetryBackoff = RetryBackoff()
    ) {
        self.sinkURLs = sinkURLs
        self.publisherHost = publisherHost
        self.webhookPolicy = webhookPolicy
        self.retention = retention
        self.retentionInterval = retentionInterval
        self.heartbeatInterval = heartbeatInterval
        self.sinkBackoff = sinkBackoff
    }
}
