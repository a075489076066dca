import NIOCore

extension AMQPChannel {
    /// Limits the deliveries the broker sends before they are acknowledged (`basic.qos`); 0 is no
    /// limit. Applies to consumers started on this channel afterwards.
    public func basicQos(prefetchCount: UInt16, global: Bool = false) async throws {
        _ = try await connection.send {
            AMQPCommand.call(channel: id, .basicQos(prefetchSize: 0, prefetchCount: prefetchCount, global: global), $0)
        }
    }

    /// Starts a consumer on `queue` (`basic.consume`, with acknowledgements unless `noAck`); an empty
    /// `consumerTag` lets the broker choose one.
    ///
    /// ```swift
    /// try await channel.basicQos(prefetchCount: 64)
    /// for try await delivery in try await channel.consume(queue: "portwatch-bridge") {
    ///     handle(delivery.body)
    ///     try await channel.ack(delivery.deliveryTag)
    /// }
    /// ```
    public func consume(
        queue: String, consumerTag: String = "", noAck: Bool = false, exclusive: Bool = false,
        arguments: AMQPTable = AMQPTable()
    ) async throws -> AMQPConsumer {
        for string in [queue, consumerTag] where string.utf8.count > 255 {
            throw AMQPError(code: .invalidArgument, message: "name longer than 255 bytes: \(string.prefix(40))…")
        }
        let (deliveries, continuation) = AsyncThrowingStream.makeStream(of: AMQPDelivery.self)
        let method = AMQPMethod.basicConsume(
            queue: queue, consumerTag: consumerTag, noLocal: false, noAck: noAck, exclusive: exclusive, noWait: false,
            arguments: arguments)
        let reply = try await connection.send { AMQPCommand.consume(channel: id, method, continuation, $0) }
        guard case .basicConsumeOk(let tag) = reply else {
            throw AMQPError(code: .unexpectedFrame, message: "expected basic.consume-ok, got \(reply.id)")
        }
        return AMQPConsumer(tag: tag, channel: self, deliveries: deliveries)
    }

    /// Acknowledges a delivery (`basic.ack`), or with `multiple` every one up to it.
    public func ack(_ deliveryTag: UInt64, multiple: Bool = false) async throws {
        try await connection.send {
            AMQPCommand.send(channel: id, .basicAck(deliveryTag: deliveryTag, multiple: multiple), $0)
        } as Void
    }

    /// Ends a consumer (`basic.cancel`); its sequence finishes after the deliveries already sent.
    public func cancel(consumerTag: String) async throws {
        _ = try await connection.send {
            AMQPCommand.call(channel: id, .basicCancel(consumerTag: consumerTag, noWait: false), $0)
        }
    }
}
