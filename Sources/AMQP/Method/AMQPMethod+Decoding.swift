import NIOCore

extension AMQPMethod {
    /// Reads class id, method id and the arguments of a method frame's payload.
    static func read(from buffer: inout ByteBuffer) throws -> AMQPMethod {
        let classID = try buffer.readAMQPInteger(as: UInt16.self)
        let methodID = try buffer.readAMQPInteger(as: UInt16.self)
        switch (classID, methodID) {
        case (10, 10):
            return .connectionStart(
                versionMajor: try buffer.readAMQPInteger(), versionMinor: try buffer.readAMQPInteger(),
                serverProperties: try buffer.readAMQPTable(), mechanisms: try buffer.readAMQPLongString(),
                locales: try buffer.readAMQPLongString())
        case (10, 11):
            return .connectionStartOk(
                clientProperties: try buffer.readAMQPTable(), mechanism: try buffer.readAMQPShortString(),
                response: try buffer.readAMQPLongStringBytes(), locale: try buffer.readAMQPShortString())
        case (10, 30):
            return .connectionTune(
                channelMax: try buffer.readAMQPInteger(), frameMax: try buffer.readAMQPInteger(),
                heartbeat: try buffer.readAMQPInteger())
        case (10, 31):
            return .connectionTuneOk(
                channelMax: try buffer.readAMQPInteger(), frameMax: try buffer.readAMQPInteger(),
                heartbeat: try buffer.readAMQPInteger())
        case (10, 40):
            let virtualHost = try buffer.readAMQPShortString()
            _ = try buffer.readAMQPShortString()
            _ = try buffer.readAMQPBits()
            return .connectionOpen(virtualHost: virtualHost)
        case (10, 41):
            _ = try buffer.readAMQPShortString()
            return .connectionOpenOk
        case (10, 50):
            return .connectionClose(try readCloseReply(from: &buffer))
        case (10, 51):
            return .connectionCloseOk
        case (10, 60):
            // RabbitMQ always sends a reason, but the field is optional in its own spec extension.
            return .connectionBlocked(reason: buffer.readableBytes > 0 ? try buffer.readAMQPShortString() : "")
        case (10, 61):
            return .connectionUnblocked
        case (20, 10):
            _ = try buffer.readAMQPShortString()
            return .channelOpen
        case (20, 11):
            _ = try buffer.readAMQPLongStringBytes()
            return .channelOpenOk
        case (20, 40):
            return .channelClose(try readCloseReply(from: &buffer))
        case (20, 41):
            return .channelCloseOk
        case (40, 10):
            _ = try buffer.readAMQPInteger(as: UInt16.self)
            let exchange = try buffer.readAMQPShortString()
            let type = try buffer.readAMQPShortString()
            let bits = try buffer.readAMQPBits()
            return .exchangeDeclare(
                exchange: exchange, type: type, passive: bits[0], durable: bits[1], autoDelete: bits[2],
                internal: bits[3], noWait: bits[4], arguments: try buffer.readAMQPTable())
        case (40, 11):
            return .exchangeDeclareOk
        case (40, 20):
            _ = try buffer.readAMQPInteger(as: UInt16.self)
            let exchange = try buffer.readAMQPShortString()
            let bits = try buffer.readAMQPBits()
            return .exchangeDelete(exchange: exchange, ifUnused: bits[0], noWait: bits[1])
        case (40, 21):
            return .exchangeDeleteOk
        case (50, 40):
            _ = try buffer.readAMQPInteger(as: UInt16.self)
            let queue = try buffer.readAMQPShortString()
            let bits = try buffer.readAMQPBits()
            return .queueDelete(queue: queue, ifUnused: bits[0], ifEmpty: bits[1], noWait: bits[2])
        case (50, 41):
            return .queueDeleteOk(messageCount: try buffer.readAMQPInteger())
        case (50, 10):
            _ = try buffer.readAMQPInteger(as: UInt16.self)
            let queue = try buffer.readAMQPShortString()
            let bits = try buffer.readAMQPBits()
            return .queueDeclare(
                queue: queue, passive: bits[0], durable: bits[1], exclusive: bits[2], autoDelete: bits[3],
                noWait: bits[4], arguments: try buffer.readAMQPTable())
        case (50, 11):
            return .queueDeclareOk(
                queue: try buffer.readAMQPShortString(), messageCount: try buffer.readAMQPInteger(),
                consumerCount: try buffer.readAMQPInteger())
        case (50, 20):
            _ = try buffer.readAMQPInteger(as: UInt16.self)
            let queue = try buffer.readAMQPShortString()
            let exchange = try buffer.readAMQPShortString()
            let routingKey = try buffer.readAMQPShortString()
            let bits = try buffer.readAMQPBits()
            return .queueBind(
                queue: queue, exchange: exchange, routingKey: routingKey, noWait: bits[0],
                arguments: try buffer.readAMQPTable())
        case (50, 21):
            return .queueBindOk
        case (60, 10):
            return .basicQos(
                prefetchSize: try buffer.readAMQPInteger(), prefetchCount: try buffer.readAMQPInteger(),
                global: try buffer.readAMQPBits()[0])
        case (60, 11):
            return .basicQosOk
        case (60, 20):
            _ = try buffer.readAMQPInteger(as: UInt16.self)
            let queue = try buffer.readAMQPShortString()
            let consumerTag = try buffer.readAMQPShortString()
            let bits = try buffer.readAMQPBits()
            return .basicConsume(
                queue: queue, consumerTag: consumerTag, noLocal: bits[0], noAck: bits[1], exclusive: bits[2],
                noWait: bits[3], arguments: try buffer.readAMQPTable())
        case (60, 21):
            return .basicConsumeOk(consumerTag: try buffer.readAMQPShortString())
        case (60, 30):
            let consumerTag = try buffer.readAMQPShortString()
            return .basicCancel(consumerTag: consumerTag, noWait: try buffer.readAMQPBits()[0])
        case (60, 31):
            return .basicCancelOk(consumerTag: try buffer.readAMQPShortString())
        case (60, 60):
            let consumerTag = try buffer.readAMQPShortString()
            let deliveryTag = try buffer.readAMQPInteger(as: UInt64.self)
            let redelivered = try buffer.readAMQPBits()[0]
            return .basicDeliver(
                consumerTag: consumerTag, deliveryTag: deliveryTag, redelivered: redelivered,
                exchange: try buffer.readAMQPShortString(), routingKey: try buffer.readAMQPShortString())
        case (60, 40):
            _ = try buffer.readAMQPInteger(as: UInt16.self)
            let exchange = try buffer.readAMQPShortString()
            let routingKey = try buffer.readAMQPShortString()
            let bits = try buffer.readAMQPBits()
            return .basicPublish(exchange: exchange, routingKey: routingKey, mandatory: bits[0], immediate: bits[1])
        case (60, 50):
            return .basicReturn(
                replyCode: try buffer.readAMQPInteger(), replyText: try buffer.readAMQPShortString(),
                exchange: try buffer.readAMQPShortString(), routingKey: try buffer.readAMQPShortString())
        case (60, 80):
            let deliveryTag = try buffer.readAMQPInteger(as: UInt64.self)
            return .basicAck(deliveryTag: deliveryTag, multiple: try buffer.readAMQPBits()[0])
        case (60, 120):
            let deliveryTag = try buffer.readAMQPInteger(as: UInt64.self)
            let bits = try buffer.readAMQPBits()
            return .basicNack(deliveryTag: deliveryTag, multiple: bits[0], requeue: bits[1])
        case (85, 10):
            return .confirmSelect(noWait: try buffer.readAMQPBits()[0])
        case (85, 11):
            return .confirmSelectOk
        default:
            let arguments = buffer.readSlice(length: buffer.readableBytes) ?? ByteBuffer()
            return .unknown(classID: classID, methodID: methodID, arguments: arguments)
        }
    }

    private static func readCloseReply(from buffer: inout ByteBuffer) throws -> AMQPCloseReply {
        AMQPCloseReply(
            replyCode: try buffer.readAMQPInteger(), replyText: try buffer.readAMQPShortString(),
            classID: try buffer.readAMQPInteger(), methodID: try buffer.readAMQPInteger())
    }
}
