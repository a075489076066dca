import AMQP

/// Where an AMQP sink publishes, parsed from a `--notify` URL.
///
/// `amqp://user:pass@host:port/vhost` publishes as Neutron does: topic exchange `neutron`, routing
/// key `notifications.info`. `?exchange=NAME` and `?topic=NAME` override the exchange and the topic
/// (the routing key is `<topic>.info`); the other query parameters go to ``AMQPConfiguration``.
///
/// ```swift
/// let options = try AMQPSinkOptions(url: "amqp://guest:guest@127.0.0.1:5672/?exchange=nova")
/// ```
public struct AMQPSinkOptions: Sendable, Hashable {
    /// The broker.
    public var configuration: AMQPConfiguration
    /// The exchange; `neutron` (Neutron's `control_exchange`) by default.
    public var exchange: String
    /// The notification topic; `notifications` by default.
    public var topic: String

    /// The routing key and queue name: `<topic>.info`.
    public var routingKey: String { topic + ".info" }

    /// Parses a sink URL.
    public init(url: String) throws {
        var exchange = "neutron"
        var topic = "notifications"
        var brokerURL = url
        if let mark = url.firstIndex(of: "?") {
            var kept: [Substring] = []
            for pair in url[url.index(after: mark)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let value = parts.count > 1 ? String(parts[1]).removingPercentEncodingIfPossible : ""
                switch parts[0] {
                case "exchange" where !value.isEmpty: exchange = value
                case "topic" where !value.isEmpty: topic = value
                default: kept.append(pair)
                }
            }
            brokerURL = String(url[..<mark]) + (kept.isEmpty ? "" : "?" + kept.joined(separator: "&"))
        }
        configuration = try AMQPConfiguration(url: brokerURL)
        if configuration.connectionName == nil { configuration.connectionName = "portwatch notifications" }
        self.exchange = exchange
        self.topic = topic
    }

    /// What oslo.messaging's notifier declares before publishing: the topic exchange (non-durable,
    /// not auto-deleted) and a queue named after the routing key, bound with it, so that
    /// notifications wait for a consumer.
    public var declarations: [AMQPDeclaration] {
        [
            .exchange(name: exchange, type: .topic, durable: false, autoDelete: false),
            .queue(name: routingKey, durable: false, autoDelete: false),
            .binding(queue: routingKey, exchange: exchange, routingKey: routingKey),
        ]
    }

    /// The cursor name of the sink: the broker without credentials, and the exchange and topic.
    public var sinkName: String { "amqp \(configuration) exchange=\(exchange) topic=\(topic)" }
}

extension String {
    fileprivate var removingPercentEncodingIfPossible: String {
        var bytes: [UInt8] = []
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
