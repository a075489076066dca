import Logging

/// An exchange, queue or binding that ``AMQPPublisher`` declares on every (re)connect, in order.
///
/// ```swift
/// let declarations: [AMQPDeclaration] = [
///     .exchange(name: "neutron", type: .topic),
///     .queue(name: "notifications.info"),
///     .binding(queue: "notifications.info", exchange: "neutron", routingKey: "notifications.info"),
/// ]
/// ```
public struct AMQPDeclaration: Hashable, Sendable {
    enum Kind: Hashable, Sendable {
        case exchange(name: String, type: AMQPExchangeType, durable: Bool, autoDelete: Bool)
        case queue(name: String, durable: Bool, exclusive: Bool, autoDelete: Bool)
        case binding(queue: String, exchange: String, routingKey: String)
    }

    let kind: Kind

    /// An `exchange.declare`.
    public static func exchange(
        name: String, type: AMQPExchangeType, durable: Bool = false, autoDelete: Bool = false
    ) -> AMQPDeclaration {
        AMQPDeclaration(kind: .exchange(name: name, type: type, durable: durable, autoDelete: autoDelete))
    }

    /// A `queue.declare`.
    public static func queue(
        name: String, durable: Bool = false, exclusive: Bool = false, autoDelete: Bool = false
    ) -> AMQPDeclaration {
        AMQPDeclaration(kind: .queue(name: name, durable: durable, exclusive: exclusive, autoDelete: autoDelete))
    }

    /// A `queue.bind`.
    public static func binding(queue: String, exchange: String, routingKey: String) -> AMQPDeclaration {
        AMQPDeclaration(kind: .binding(queue: queue, exchange: exchange, routingKey: routingKey))
    }

    /// Runs the declaration on `channel`.
    func declare(on channel: AMQPChannel) async throws {
        switch kind {
        case .exchange(let name, let type, let durable, let autoDelete):
            try await channel.exchangeDeclare(name: name, type: type, durable: durable, autoDelete: autoDelete)
        case .queue(let name, let durable, let exclusive, let autoDelete):
            try await channel.queueDeclare(name: name, durable: durable, exclusive: exclusive, autoDelete: autoDelete)
        case .binding(let queue, let exchange, let routingKey):
            try await channel.queueBind(queue: queue, exchange: exchange, routingKey: routingKey)
        }
    }

    /// Opens a channel and runs `declarations` in order on it. An `exchange.declare` answered with
    /// 406 (the exchange exists with other properties) is logged and skipped, as oslo.messaging
    /// does; the broker closed the channel, so the rest run on a new one, which is returned.
    static func declareAll(
        _ declarations: [AMQPDeclaration], on connection: AMQPConnection, logger: Logger
    ) async throws -> AMQPChannel {
        var channel = try await connection.openChannel()
        for declaration in declarations {
            do {
                try await declaration.declare(on: channel)
            } catch let error as AMQPError
                where declaration.isExchange && error.code == .channelClosed
                && error.reply?.replyCode == AMQPCloseReply.preconditionFailed
            {
                logger.warning(
                    "AMQP exchange exists with other properties, using it as it is",
                    metadata: [
                        "amqp.declaration": "\(declaration)", "amqp.reply_text": "\(error.reply?.replyText ?? "")",
                    ])
                channel = try await connection.openChannel()
            }
        }
        return channel
    }

    /// Whether this declares an exchange (whose 406 the publisher tolerates).
    var isExchange: Bool {
        if case .exchange = kind { return true }
        return false
    }
}

extension AMQPDeclaration: CustomStringConvertible {
    public var description: String {
        switch kind {
        case .exchange(let name, let type, let durable, _): "exchange \(name) (\(type), durable: \(durable))"
        case .queue(let name, let durable, _, _): "queue \(name) (durable: \(durable))"
        case .binding(let queue, let exchange, let routingKey): "binding \(exchange) → \(queue) [\(routingKey)]"
        }
    }
}
