import NIOCore

/// An AMQP 0-9-1 method: the payload of a method frame, identified on the wire by class and
/// method id. Covers what a confirming publisher and an acknowledging consumer need; anything
/// else decodes to ``unknown``.
///
/// Reserved (deprecated) fields such as `ticket`, `insist` or `known-hosts` are not modelled: they
/// are written as zero/empty and skipped when reading.
public enum AMQPMethod: Hashable, Sendable {
    /// `connection.start` (10,10): the broker's greeting.
    case connectionStart(
        versionMajor: UInt8, versionMinor: UInt8, serverProperties: AMQPTable, mechanisms: String, locales: String)
    /// `connection.start-ok` (10,11): client properties and the SASL response.
    case connectionStartOk(clientProperties: AMQPTable, mechanism: String, response: [UInt8], locale: String)
    /// `connection.tune` (10,30): the broker's limits.
    case connectionTune(channelMax: UInt16, frameMax: UInt32, heartbeat: UInt16)
    /// `connection.tune-ok` (10,31): the negotiated limits.
    case connectionTuneOk(channelMax: UInt16, frameMax: UInt32, heartbeat: UInt16)
    /// `connection.open` (10,40).
    case connectionOpen(virtualHost: String)
    /// `connection.open-ok` (10,41).
    case connectionOpenOk
    /// `connection.close` (10,50), sent by either side.
    case connectionClose(AMQPCloseReply)
    /// `connection.close-ok` (10,51).
    case connectionCloseOk
    /// `connection.blocked` (10,60): RabbitMQ stopped reading because of a resource alarm.
    case connectionBlocked(reason: String)
    /// `connection.unblocked` (10,61).
    case connectionUnblocked
    /// `channel.open` (20,10).
    case channelOpen
    /// `channel.open-ok` (20,11).
    case channelOpenOk
    /// `channel.close` (20,40), sent by either side.
    case channelClose(AMQPCloseReply)
    /// `channel.close-ok` (20,41).
    case channelCloseOk
    /// `exchange.declare` (40,10).
    case exchangeDeclare(
        exchange: String, type: String, passive: Bool, durable: Bool, autoDelete: Bool, internal: Bool,
        noWait: Bool, arguments: AMQPTable)
    /// `exchange.declare-ok` (40,11).
    case exchangeDeclareOk
    /// `exchange.delete` (40,20).
    case exchangeDelete(exchange: String, ifUnused: Bool, noWait: Bool)
    /// `exchange.delete-ok` (40,21).
    case exchangeDeleteOk
    /// `queue.declare` (50,10).
    case queueDeclare(
        queue: String, passive: Bool, durable: Bool, exclusive: Bool, autoDelete: Bool, noWait: Bool,
        arguments: AMQPTable)
    /// `queue.declare-ok` (50,11).
    case queueDeclareOk(queue: String, messageCount: UInt32, consumerCount: UInt32)
    /// `queue.bind` (50,20).
    case queueBind(queue: String, exchange: String, routingKey: String, noWait: Bool, arguments: AMQPTable)
    /// `queue.bind-ok` (50,21).
    case queueBindOk
    /// `queue.delete` (50,40).
    case queueDelete(queue: String, ifUnused: Bool, ifEmpty: Bool, noWait: Bool)
    /// `queue.delete-ok` (50,41).
    case queueDeleteOk(messageCount: UInt32)
    /// `basic.qos` (60,10): how many unacknowledged deliveries the broker may send.
    case basicQos(prefetchSize: UInt32, prefetchCount: UInt16, global: Bool)
    /// `basic.qos-ok` (60,11).
    case basicQosOk
    /// `basic.consume` (60,20): start a consumer on a queue.
    case basicConsume(
        queue: String, consumerTag: String, noLocal: Bool, noAck: Bool, exclusive: Bool, noWait: Bool,
        arguments: AMQPTable)
    /// `basic.consume-ok` (60,21): the consumer's tag.
    case basicConsumeOk(consumerTag: String)
    /// `basic.cancel` (60,30): end a consumer; RabbitMQ sends it too when the queue goes away.
    case basicCancel(consumerTag: String, noWait: Bool)
    /// `basic.cancel-ok` (60,31).
    case basicCancelOk(consumerTag: String)
    /// `basic.publish` (60,40); followed by a content header and body frames.
    case basicPublish(exchange: String, routingKey: String, mandatory: Bool, immediate: Bool)
    /// `basic.return` (60,50); followed by the returned content.
    case basicReturn(replyCode: UInt16, replyText: String, exchange: String, routingKey: String)
    /// `basic.deliver` (60,60): a message for a consumer; followed by a content header and body frames.
    case basicDeliver(consumerTag: String, deliveryTag: UInt64, redelivered: Bool, exchange: String, routingKey: String)
    /// `basic.ack` (60,80): in confirm mode, the broker took responsibility for the message(s); from
    /// a consumer, it processed the delivery (or all up to it, with `multiple`).
    case basicAck(deliveryTag: UInt64, multiple: Bool)
    /// `basic.nack` (60,120): in confirm mode, the broker could not take the message(s).
    case basicNack(deliveryTag: UInt64, multiple: Bool, requeue: Bool)
    /// `confirm.select` (85,10): switch the channel to publisher-confirm mode.
    case confirmSelect(noWait: Bool)
    /// `confirm.select-ok` (85,11).
    case confirmSelectOk
    /// Any other method, kept undecoded.
    case unknown(classID: UInt16, methodID: UInt16, arguments: ByteBuffer)
}

extension AMQPMethod {
    /// The (class id, method id) pair that identifies the method on the wire.
    public var id: (classID: UInt16, methodID: UInt16) {
        switch self {
        case .connectionStart: (10, 10)
        case .connectionStartOk: (10, 11)
        case .connectionTune: (10, 30)
        case .connectionTuneOk: (10, 31)
        case .connectionOpen: (10, 40)
        case .connectionOpenOk: (10, 41)
        case .connectionClose: (10, 50)
        case .connectionCloseOk: (10, 51)
        case .connectionBlocked: (10, 60)
        case .connectionUnblocked: (10, 61)
        case .channelOpen: (20, 10)
        case .channelOpenOk: (20, 11)
        case .channelClose: (20, 40)
        case .channelCloseOk: (20, 41)
        case .exchangeDeclare: (40, 10)
        case .exchangeDeclareOk: (40, 11)
        case .exchangeDelete: (40, 20)
        case .exchangeDeleteOk: (40, 21)
        case .queueDeclare: (50, 10)
        case .queueDeclareOk: (50, 11)
        case .queueBind: (50, 20)
        case .queueBindOk: (50, 21)
        case .queueDelete: (50, 40)
        case .queueDeleteOk: (50, 41)
        case .basicQos: (60, 10)
        case .basicQosOk: (60, 11)
        case .basicConsume: (60, 20)
        case .basicConsumeOk: (60, 21)
        case .basicCancel: (60, 30)
        case .basicCancelOk: (60, 31)
        case .basicPublish: (60, 40)
        case .basicReturn: (60, 50)
        case .basicDeliver: (60, 60)
        case .basicAck: (60, 80)
        case .basicNack: (60, 120)
        case .confirmSelect: (85, 10)
        case .confirmSelectOk: (85, 11)
        case .unknown(let classID, let methodID, _): (classID, methodID)
        }
    }
}
