import Logging
import NIOCore

extension AMQPConnectionHandler {
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastRead = context.eventLoop.now
        switch unwrapInboundIn(data) {
        case .heartbeat, .protocolHeader:
            break
        case .method(0, let method):
            connectionMethod(method, context: context)
        case .method(let channel, let method):
            channelMethod(method, channel: channel, context: context)
        case .header(let channel, let header):
            if channels[channel]?.delivery != nil {
                deliveryContent(channel: channel, header: header, body: nil)
            } else {
                content(channel: channel, bodySize: header.bodySize, isHeader: true)
            }
        case .body(let channel, let body):
            if channels[channel]?.delivery != nil {
                deliveryContent(channel: channel, header: nil, body: body)
            } else {
                content(channel: channel, bodySize: UInt64(body.readableBytes), isHeader: false)
            }
        }
    }

    // MARK: Channel 0

    private func connectionMethod(_ method: AMQPMethod, context: ChannelHandlerContext) {
        switch (state, method) {
        case (.awaitingStart, .connectionStart(let major, let minor, let serverProperties, let mechanisms, _)):
            guard major == 0, minor == 9 else {
                return fail(AMQPError(code: .unsupportedProtocol, message: "broker speaks AMQP \(major)-\(minor)"))
            }
            guard mechanisms.split(separator: " ").contains("PLAIN") else {
                return fail(
                    AMQPError(code: .authenticationFailed, message: "broker offers no PLAIN mechanism: \(mechanisms)"))
            }
            if case .string(let version)? = serverProperties["version"] {
                logger.debug("AMQP broker greeting", metadata: ["amqp.broker_version": "\(version)"])
            }
            let response = [0] + Array(configuration.username.utf8) + [0] + Array(configuration.password.utf8)
            state = .awaitingTune
            send(
                [
                    .method(
                        channel: 0,
                        .connectionStartOk(
                            clientProperties: clientProperties, mechanism: "PLAIN", response: response, locale: "en_US")
                    )
                ],
                context: context)

        case (.awaitingTune, .connectionTune(let channelMax, let frameMax, let heartbeat)):
            tuning = Tuning(
                channelMax: Self.negotiate(configuration.channelMax, channelMax),
                frameMax: Self.negotiate(configuration.frameMax, frameMax),
                heartbeat: configuration.heartbeat == 0 ? 0 : Self.negotiate(configuration.heartbeat, heartbeat))
            state = .awaitingOpenOk
            send(
                [
                    .method(
                        channel: 0,
                        .connectionTuneOk(
                            channelMax: tuning.channelMax, frameMax: tuning.frameMax, heartbeat: tuning.heartbeat)),
                    .method(channel: 0, .connectionOpen(virtualHost: configuration.virtualHost)),
                ],
                context: context)
            startHeartbeats(context: context)

        case (.awaitingOpenOk, .connectionOpenOk):
            state = .open
            timeoutTask?.cancel()
            logger.debug(
                "AMQP connection open",
                metadata: [
                    "amqp.frame_max": "\(tuning.frameMax)", "amqp.heartbeat": "\(tuning.heartbeat)",
                    "amqp.channel_max": "\(tuning.channelMax)",
                ])
            readyPromise.succeed(())

        case (_, .connectionClose(let reply)):
            // 403 during the handshake is RabbitMQ's authentication_failure_close answer.
            let isAuthFailure = state != .open && state != .closing && reply.replyCode == 403
            let error = AMQPError(
                code: isAuthFailure ? .authenticationFailed : .connectionClosed,
                message: isAuthFailure ? "broker refused the credentials" : "broker closed the connection",
                reply: reply)
            if closeError == nil { closeError = error }
            state = .closing
            let promise = context.eventLoop.makePromise(of: Void.self)
            send([.method(channel: 0, .connectionCloseOk)], context: context, promise: promise)
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            promise.futureResult.whenComplete { _ in loopBound.value.close(promise: nil) }

        case (.closing, .connectionCloseOk):
            context.close(promise: nil)

        case (_, .connectionBlocked(let reason)):
            isBlocked = true
            logger.warning("AMQP broker blocked publishing", metadata: ["amqp.reason": "\(reason)"])

        case (_, .connectionUnblocked):
            isBlocked = false
            logger.info("AMQP broker unblocked publishing")
            while !isBlocked, let pending = publishesWhileBlocked.popFirst() {
                publish(pending.messages, channel: pending.channel, promise: pending.promise, context: context)
            }

        default:
            logger.debug("AMQP ignoring unexpected method on channel 0", metadata: ["amqp.method": "\(method.id)"])
        }
    }

    /// The smaller of two limits where 0 means "no limit".
    static func negotiate<T: FixedWidthInteger>(_ client: T, _ server: T) -> T {
        if client == 0 { return server }
        if server == 0 { return client }
        return min(client, server)
    }

    private var clientProperties: AMQPTable {
        var properties: AMQPTable = [
            "product": "Portwatch AMQP (SwiftNIO)",
            "platform": "Swift",
            "version": "1.0",
            "capabilities": .table([
                "publisher_confirms": true,
                "authentication_failure_close": true,
                "connection.blocked": true,
                "consumer_cancel_notify": true,
            ]),
        ]
        if let name = configuration.connectionName { properties["connection_name"] = .string(name) }
        return properties
    }

    // MARK: Other channels

    private func channelMethod(_ method: AMQPMethod, channel id: UInt16, context: ChannelHandlerContext) {
        guard let channel = channels[id] else {
            logger.debug(
                "AMQP frame for unknown channel", metadata: ["amqp.channel": "\(id)", "amqp.method": "\(method.id)"])
            return
        }
        switch method {
        case .channelClose(let reply):
            channels[id] = nil
            let error = AMQPError(code: .channelClosed, message: "broker closed channel \(id)", reply: reply)
            logger.warning(
                "AMQP broker closed a channel",
                metadata: [
                    "amqp.channel": "\(id)", "amqp.reply_code": "\(reply.replyCode)",
                    "amqp.reply_text": "\(reply.replyText)",
                ])
            send([.method(channel: id, .channelCloseOk)], context: context)
            channel.failAll(error)

        case .basicConsumeOk(let tag):
            if let consumer = channel.pendingConsumers.popFirst() { channel.consumers[tag] = consumer }
            channel.pendingCalls.popFirst()?.succeed(method)

        case .basicCancelOk(let tag):
            channel.consumers.removeValue(forKey: tag)?.finish()
            channel.pendingCalls.popFirst()?.succeed(method)

        case .basicCancel(let tag, _):
            // The broker cancelled the consumer (its queue was deleted, or the node went down).
            channel.consumers.removeValue(forKey: tag)?.finish()

        case .basicDeliver(let tag, let deliveryTag, let redelivered, let exchange, let routingKey):
            channel.delivery = PartialDelivery(
                method: (tag, deliveryTag, redelivered, exchange, routingKey),
                body: context.channel.allocator.buffer(capacity: 0))

        case .channelOpenOk, .channelCloseOk, .exchangeDeclareOk, .exchangeDeleteOk, .queueDeclareOk, .queueBindOk,
            .queueDeleteOk, .confirmSelectOk, .basicQosOk:
            if case .channelOpenOk = method { channel.phase = .open }
            if case .channelCloseOk = method { channels[id] = nil }
            guard let call = channel.pendingCalls.popFirst() else {
                logger.debug(
                    "AMQP reply without a call", metadata: ["amqp.channel": "\(id)", "amqp.method": "\(method.id)"])
                return
            }
            call.succeed(method)

        case .basicAck(let deliveryTag, let multiple):
            channel.confirms?.settle(deliveryTag: deliveryTag, multiple: multiple, nack: false)

        case .basicNack(let deliveryTag, let multiple, _):
            channel.confirms?.settle(deliveryTag: deliveryTag, multiple: multiple, nack: true)

        case .basicReturn(let replyCode, let replyText, let exchange, let routingKey):
            channel.returnedContent = .awaitingHeader
            channel.confirms?.markReturned(
                exchange: exchange, routingKey: routingKey,
                reply: AMQPCloseReply(replyCode: replyCode, replyText: replyText, classID: 60, methodID: 50))

        default:
            logger.debug("AMQP ignoring method", metadata: ["amqp.channel": "\(id)", "amqp.method": "\(method.id)"])
        }
    }

    /// Assembles a delivery's content and hands the message to its consumer once complete.
    private func deliveryContent(channel id: UInt16, header: AMQPContentHeader?, body: ByteBuffer?) {
        guard let channel = channels[id], var delivery = channel.delivery else { return }
        if let header {
            delivery.properties = header.properties
            delivery.remaining = header.bodySize
            delivery.body.reserveCapacity(Int(clamping: header.bodySize))
        } else if var body {
            guard delivery.properties != nil else {
                return fail(AMQPError(code: .unexpectedFrame, message: "body frame before a content header"))
            }
            delivery.remaining -= min(delivery.remaining, UInt64(body.readableBytes))
            delivery.body.writeBuffer(&body)
        }
        guard delivery.properties != nil, delivery.remaining == 0 else {
            channel.delivery = delivery
            return
        }
        channel.delivery = nil
        if let consumer = channel.consumers[delivery.method.consumerTag] {
            consumer.yield(delivery.delivery)
        } else {
            logger.debug(
                "AMQP delivery for an unknown consumer", metadata: ["amqp.consumer": "\(delivery.method.consumerTag)"])
        }
    }

    /// Skips the content of a returned message; a publisher has no use for it.
    private func content(channel id: UInt16, bodySize: UInt64, isHeader: Bool) {
        guard let channel = channels[id] else { return }
        switch (channel.returnedContent, isHeader) {
        case (.awaitingHeader?, true):
            channel.returnedContent = bodySize == 0 ? nil : .awaitingBody(remaining: bodySize)
        case (.awaitingBody(let remaining)?, false):
            channel.returnedContent = bodySize >= remaining ? nil : .awaitingBody(remaining: remaining - bodySize)
        default:
            logger.debug("AMQP ignoring unexpected content frame", metadata: ["amqp.channel": "\(id)"])
        }
    }
}
