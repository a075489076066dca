import NIOCore

extension AMQPMethod {
    /// Writes class id, method id and the arguments.
    func write(to buffer: inout ByteBuffer) throws {
        let (classID, methodID) = id
        buffer.writeInteger(classID)
        buffer.writeInteger(methodID)
        switch self {
        case .connectionStart(let major, let minor, let serverProperties, let mechanisms, let locales):
            buffer.writeInteger(major)
            buffer.writeInteger(minor)
            try buffer.writeAMQPTable(serverProperties)
            buffer.writeAMQPLongString(mechanisms.utf8)
            buffer.writeAMQPLongString(locales.utf8)
        case .connectionStartOk(let clientProperties, let mechanism, let response, let locale):
            try buffer.writeAMQPTable(clientProperties)
            try buffer.writeAMQPShortString(mechanism)
            buffer.writeAMQPLongString(response)
            try buffer.writeAMQPShortString(locale)
        case .connectionTune(let channelMax, let frameMax, let heartbeat),
            .connectionTuneOk(let channelMax, let frameMax, let heartbeat):
            buffer.writeInteger(channelMax)
            buffer.writeInteger(frameMax)
            buffer.writeInteger(heartbeat)
        case .connectionOpen(let virtualHost):
            try buffer.writeAMQPShortString(virtualHost)
            try buffer.writeAMQPShortString("")
            buffer.writeAMQPBits(false)
        case .connectionOpenOk:
            try buffer.writeAMQPShortString("")
        case .connectionClose(let reply), .channelClose(let reply):
            buffer.writeInteger(reply.replyCode)
            try buffer.writeAMQPShortString(reply.replyText)
            buffer.writeInteger(reply.classID)
            buffer.writeInteger(reply.methodID)
        case .connectionBlocked(let reason):
            try buffer.writeAMQPShortString(reason)
        case .channelOpen:
            try buffer.writeAMQPShortString("")
        case .channelOpenOk:
            buffer.writeAMQPLongString([])
        case .exchangeDeclare(
            let exchange, let type, let passive, let durable, let autoDelete, let isInternal,
            let noWait, let arguments):
            buffer.writeInteger(UInt16(0))
            try buffer.writeAMQPShortString(exchange)
            try buffer.writeAMQPShortString(type)
            buffer.writeAMQPBits(passive, durable, autoDelete, isInternal, noWait)
            try buffer.writeAMQPTable(arguments)
        case .exchangeDelete(let exchange, let ifUnused, let noWait):
            buffer.writeInteger(UInt16(0))
            try buffer.writeAMQPShortString(exchange)
            buffer.writeAMQPBits(ifUnused, noWait)
        case .queueDelete(let queue, let ifUnused, let ifEmpty, let noWait):
            buffer.writeInteger(UInt16(0))
            try buffer.writeAMQPShortString(queue)
            buffer.writeAMQPBits(ifUnused, ifEmpty, noWait)
        case .queueDeleteOk(let messageCount):
            buffer.writeInteger(messageCount)
        case .queueDeclare(
            let queue, let passive, let durable, let exclusive, let autoDelete, let noWait,
            let arguments):
            buffer.writeInteger(UInt16(0))
            try buffer.writeAMQPShortString(queue)
            buffer.writeAMQPBits(passive, durable, exclusive, autoDelete, noWait)
            try buffer.writeAMQPTable(arguments)
        case .queueDeclareOk(let queue, let messageCount, let consumerCount):
            try buffer.writeAMQPShortString(queue)
            buffer.writeInteger(messageCount)
            buffer.writeInteger(consumerCount)
        case .queueBind(let queue, let exchange, let routingKey, let noWait, let arguments):
            buffer.writeInteger(UInt16(0))
            try buffer.writeAMQPShortString(queue)
            try buffer.writeAMQPShortString(exchange)
            try buffer.writeAMQPShortString(routingKey)
            buffer.writeAMQPBits(noWait)
            try buffer.writeAMQPTable(arguments)
        case .basicQos(let prefetchSize, let prefetchCount, let global):
            buffer.writeInteger(prefetchSize)
            buffer.writeInteger(prefetchCount)
            buffer.writeAMQPBits(global)
        case .basicConsume(
            let queue, let consumerTag, let noLocal, let noAck, let exclusive, let noWait, let arguments):
            buffer.writeInteger(UInt16(0))
            try buffer.writeAMQPShortString(queue)
            try buffer.writeAMQPShortString(consumerTag)
            buffer.writeAMQPBits(noLocal, noAck, exclusive, noWait)
            try buffer.writeAMQPTable(arguments)
        case .basicConsumeOk(let consumerTag), .basicCancelOk(let consumerTag):
            try buffer.writeAMQPShortString(consumerTag)
        case .basicCancel(let consumerTag, let noWait):
            try buffer.writeAMQPShortString(consumerTag)
            buffer.writeAMQPBits(noWait)
        case .basicDeliver(let consumerTag, let deliveryTag, let redelivered, let exchange, let routingKey):
            try buffer.writeAMQPShortString(consumerTag)
            buffer.writeInteger(deliveryTag)
            buffer.writeAMQPBits(redelivered)
            try buffer.writeAMQPShortString(exchange)
            try buffer.writeAMQPShortString(routingKey)
        case .basicPublish(let exchange, let routingKey, let mandatory, let immediate):
            buffer.writeInteger(UInt16(0))
            try buffer.writeAMQPShortString(exchange)
            try buffer.writeAMQPShortString(routingKey)
            buffer.writeAMQPBits(mandatory, immediate)
        case .basicReturn(let replyCode, let replyText, let exchange, let routingKey):
            buffer.writeInteger(replyCode)
            try buffer.writeAMQPShortString(replyText)
            try buffer.writeAMQPShortString(exchange)
            try buffer.writeAMQPShortString(routingKey)
        case .basicAck(let deliveryTag, let multiple):
            buffer.writeInteger(deliveryTag)
            buffer.writeAMQPBits(multiple)
        case .basicNack(let deliveryTag, let multiple, let requeue):
            buffer.writeInteger(deliveryTag)
            buffer.writeAMQPBits(multiple, requeue)
        case .confirmSelect(let noWait):
            buffer.writeAMQPBits(noWait)
        case .unknown(_, _, var arguments):
            buffer.writeBuffer(&arguments)
        case .connectionCloseOk, .connectionUnblocked, .channelCloseOk, .exchangeDeclareOk, .exchangeDeleteOk,
            .queueBindOk, .basicQosOk,
            .confirmSelectOk:
            break
        }
    }
}

extension ByteBuffer {
    /// Packs consecutive bit arguments into one octet, the first in the lowest bit (at most eight).
    mutating func writeAMQPBits(_ bits: Bool...) {
        var octet: UInt8 = 0
        for (index, bit) in bits.enumerated() where bit { octet |= 1 << index }
        writeInteger(octet)
    }

    /// Reads one octet of packed bit arguments; `bits[0]` is the first argument.
    mutating func readAMQPBits() throws -> [Bool] {
        let octet = try readAMQPInteger(as: UInt8.self)
        return (0..<8).map { octet & (1 << $0) != 0 }
    }
}
