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
    /// Where webhooks may send (default: public addresses only; `--webhook-allow`).
    public var webhookDestinations: WebhookDestinationPolicy
    /// The most webhooks one project may have (default 20).
    public var webhookMaxPerProject: Int
    /// How much longer than `retention` a webhook that has not delivered a record holds it back.
    public var webhookGrace: Duration
    /// How long webhook dead letters are kept (default 7 days).
    public var deadLetterRetention: Duration

    public init(
        sinkURLs: [String] = [], publisherHost: String = "portwatch",
        webhookPolicy: WebhookDeliveryPolicy = WebhookDeliveryPolicy(), retention: Duration = .seconds(86_400),
        retentionInterval: Duration = .seconds(60), heartbeatInterval: Duration = .seconds(15),
        sinkBackoff: RetryBackoff = RetryBackoff(), webhookDestinations: WebhookDestinationPolicy = .publicOnly,
        webhookMaxPerProject: Int = 20, webhookGrace: Duration = .seconds(86_400),
        deadLetterRetention: Duration = .seconds(7 * 86_400)
    ) {
        self.webhookDestinations = webhookDestinations
        self.webhookMaxPerProject = webhookMaxPerProject
        self.webhookGrace = webhookGrace
        self.deadLetterRetention = deadLetterRetention
        self.sinkURLs = sinkURLs
        self.publisherHost = publisherHost
        self.webhookPolicy = webhookPolicy
        self.retention = retention
        self.retentionInterval = retentionInterval
        self.heartbeatInterval = heartbeatInterval
        self.sinkBackoff = sinkBackoff
    }
}
