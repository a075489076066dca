import Foundation
import AsyncHTTPClient
import Logging
import PortwatchStore
import ServiceLifecycle

/// Everything that turns the outbox into notifications: the configured sinks with their
/// dispatchers, webhook subscriptions and delivery, the live stream, and outbox retention.
///
/// ```swift
/// let hub = try await NotificationHub.make(
///     settings: NotificationSettings(sinkURLs: ["amqp://guest:guest@127.0.0.1:5672/"], publisherHost: "ctl0"),
///     repository: repository, logger: logger)
/// let services = [RepositoryWriter(...)] + hub.services() + [httpServer]
/// ```
public struct NotificationHub: Sendable {
    public let settings: NotificationSettings
    public let repository: Repository
    /// Wakes dispatchers and streams on commits.
    public let signal: OutboxSignal
    /// The per-database namespace of message ids.
    public let namespace: NotificationNamespace
    /// The AMQP sinks from ``NotificationSettings/sinkURLs``.
    public let amqpSinks: [AMQPNotificationSink]
    /// Webhook subscriptions.
    public let webhooks: WebhookRegistry
    /// Server-Sent Events of the outbox.
    public let liveStream: OutboxLiveStream
    /// Changes of the fabric's state, for streams that follow it; nil when not configured.
    public var fabric: FabricChangeSignal?
    let logger: Logger

    /// Parses the sink URLs and loads the webhook subscriptions.
    ///
    /// - Throws: ``NotificationConfigurationError`` for a URL that names no supported sink.
    public static func make(settings: NotificationSettings, repository: Repository, logger: Logger) async throws
        -> NotificationHub
    {
        let namespace = NotificationNamespace(repository: repository)
        var amqpSinks: [AMQPNotificationSink] = []
        for url in settings.sinkURLs.map({ $0.trimmingCharacters(in: .whitespaces) }) where !url.isEmpty {
            guard url.lowercased().hasPrefix("amqp://") else {
                throw NotificationConfigurationError("unsupported --notify URL (use amqp://...): \(url)")
            }
            do {
                amqpSinks.append(
                    try AMQPNotificationSink(
                        url: url, publisherHost: settings.publisherHost, namespace: namespace, logger: logger))
            } catch {
                throw NotificationConfigurationError("invalid --notify URL: \(error)")
            }
        }
        let signal = OutboxSignal(repository: repository)
        return NotificationHub(
            settings: settings, repository: repository, signal: signal, namespace: namespace, amqpSinks: amqpSinks,
            webhooks: try await WebhookRegistry.load(repository: repository),
            liveStream: OutboxLiveStream(
                repository: repository, signal: signal, heartbeatInterval: settings.heartbeatInterval),
            logger: logger)
    }

    /// The services to run, in start order: per AMQP sink its connection and its dispatcher (so the
    /// dispatcher stops first), webhook delivery, retention.
    public func services() -> [any Service] {
        var services: [any Service] = []
        for sink in amqpSinks {
            services.append(sink.publisherService)
            services.append(
                OutboxDispatcher(
                    sink: sink, repository: repository, signal: signal, batchSize: Self.amqpBatchSize,
                    inFlight: Self.amqpBatchesInFlight, backoff: settings.sinkBackoff, logger: logger))
        }
        services.append(
            WebhookDelivery(
                registry: webhooks, signal: signal,
                formatter: LazyFormatter(publisherHost: settings.publisherHost, namespace: namespace),
                policy: settings.webhookPolicy, destinations: settings.webhookDestinations,
                httpClient: Self.webhookClient, logger: logger))
        let sinkNames = amqpSinks.map(\.name)
        services.append(
            OutboxRetention(
                repository: repository, retention: settings.retention, webhookGrace: settings.webhookGrace,
                deadLetterRetention: settings.deadLetterRetention, interval: settings.retentionInterval,
                sinkNames: { sinkNames }, webhooks: webhooks, logger: logger))
        return services
    }
}

extension NotificationHub {
    /// Records per AMQP publish batch, and batches published before the oldest is confirmed: a
    /// storm's 50,000 notifications stream without a round trip per batch, with at most 8,192
    /// unconfirmed messages (about 20 MB) in memory.
    public static let amqpBatchSize = 1024
    public static let amqpBatchesInFlight = 8

    /// The HTTP client of webhook deliveries: it never follows a redirect (a receiver could
    /// otherwise bounce a POST to an address the destination policy refuses).
    static let webhookClient = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup,
        configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))
}

/// A notification setting that cannot work, e.g. an unsupported `--notify` URL.
public struct NotificationConfigurationError: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
