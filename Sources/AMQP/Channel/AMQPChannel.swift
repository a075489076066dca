import NIOCore

/// An AMQP channel on an ``AMQPConnection``: declarations and publishing.
///
/// ```swift
/// let channel = try await connection.openChannel()
/// try await channel.exchangeDeclare(name: "neutron", type: .topic)
/// try await channel.confirmSelect()
/// try await channel.publish(messages)  // returns when the broker acked all of them
/// ```
///
/// If the broker closes the channel (e.g. 406 `PRECONDITION_FAILED`), the call that caused it and
/// every pending confirm fail with ``AMQPError/Code/channelClosed``; open a new channel to go on.
public struct AMQPChannel: Sendable {
    /// The channel number.
    public let id: UInt16
    /// The connection the channel belongs to.
    public let connection: AMQPConnection

    init(id: UInt16, connection: AMQPConnection) {
        self.id = id
        self.connection = connection
    }

    /// Declares an exchange (`exchange.declare`); with `passive` only checks that it exists.
    public func exchangeDeclare(
        name: String, type: AMQPExchangeType = .direct, durable: Bool = false, autoDelete: Bool = false,
        passive: Bool = false, arguments: AMQPTable = AMQPTable()
    ) async throws {
        try Self.validate(name, type.rawValue)
        _ = try await call(
            .exchangeDeclare(
                exchange: name, type: type.rawValue, passive: passive, durable: durable, autoDelete: autoDelete,
                internal: false, noWait: false, arguments: arguments))
    }

    /// Declares a queue (`queue.declare`) and returns its name and counts; with `passive` only
    /// looks it up (the broker closes the channel with 404 if it does not exist).
    @discardableResult
    public func queueDeclare(
        name: String = "", durable: Bool = false, exclusive: Bool = false, autoDelete: Bool = false,
        passive: Bool = false, arguments: AMQPTable = AMQPTable()
    ) async throws -> AMQPQueueState {
        try Self.validate(name)
        let reply = try await call(
            .queueDeclare(
                queue: name, passive: passive, durable: durable, exclusive: exclusive, autoDelete: autoDelete,
                noWait: false, arguments: arguments))
        guard case .queueDeclareOk(let queue, let messageCount, let consumerCount) = reply else {
            throw AMQPError(code: .unexpectedFrame, message: "expected queue.declare-ok, got \(reply.id)")
        }
        return AMQPQueueState(name: queue, messageCount: messageCount, consumerCount: consumerCount)
    }

    /// Binds a queue to an exchange (`queue.bind`).
    public func queueBind(
        queue: String, exchange: String, routingKey: String, arguments: AMQPTable = AMQPTable()
    ) async throws {
        try Self.validate(queue, exchange, routingKey)
        _ = try await call(
            .queueBind(queue: queue, exchange: exchange, routingKey: routingKey, noWait: false, arguments: arguments))
    }

    /// Deletes an exchange (`exchange.delete`).
    public func exchangeDelete(name: String, ifUnused: Bool = false) async throws {
        try Self.validate(name)
        _ = try await call(.exchangeDelete(exchange: name, ifUnused: ifUnused, noWait: false))
    }

    /// Deletes a queue (`queue.delete`) and returns how many messages it held.
    @discardableResult
    public func queueDelete(name: String, ifUnused: Bool = false, ifEmpty: Bool = false) async throws -> UInt32 {
        try Self.validate(name)
        let reply = try await call(.queueDelete(queue: name, ifUnused: ifUnused, ifEmpty: ifEmpty, noWait: false))
        guard case .queueDeleteOk(let messageCount) = reply else {
            throw AMQPError(code: .unexpectedFrame, message: "expected queue.delete-ok, got \(reply.id)")
        }
        return messageCount
    }

    /// Switches the channel to publisher-confirm mode (`confirm.select`); from then on `publish`
    /// waits for the broker's ack.
    public func confirmSelect() async throws {
        _ = try await call(.confirmSelect(noWait: false))
    }

    /// Publishes one message. In confirm mode returns once the broker acked it; throws
    /// ``AMQPError/Code/nack``, ``AMQPError/Code/returned`` (mandatory and unroutable), or the
    /// channel/connection error that ended it.
    public func publish(_ message: AMQPMessage) async throws {
        try await publish([message])
    }

    /// Publishes a batch, pipelined in one write. In confirm mode returns once every message is
    /// acked and throws at the first nack or failure (some messages may then have been taken).
    public func publish(_ messages: [AMQPMessage]) async throws {
        try await startPublishing(messages).get()
    }

    /// Writes a batch without waiting for the broker: a later call's messages follow this one's on
    /// the wire. The future completes as ``publish(_:)-([AMQPMessage])`` returns.
    func startPublishing(_ messages: [AMQPMessage]) throws -> EventLoopFuture<Void> {
        for message in messages { try Self.validate(message.exchange, message.routingKey) }
        return connection.enqueue { AMQPCommand.publish(channel: id, messages, $0) }
    }

    /// Closes the channel (`channel.close` → `close-ok`).
    public func close() async throws {
        try await connection.send { AMQPCommand.closeChannel(channel: id, $0) } as Void
    }

    private func call(_ method: AMQPMethod) async throws -> AMQPMethod {
        try await connection.send { AMQPCommand.call(channel: id, method, $0) }
    }

    private static func validate(_ shortStrings: String...) throws {
        for string in shortStrings where string.utf8.count > 255 {
            throw AMQPError(code: .invalidArgument, message: "name longer than 255 bytes: \(string.prefix(40))…")
        }
    }
}
