import NIOCore

extension AMQPConnectionHandler {
    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // The write itself always "succeeds": each command carries its own promise for the outcome.
        promise?.succeed(())
        let command = unwrapOutboundIn(data)
        if case .close(let closePromise) = command { return close(promise: closePromise, context: context) }
        guard state == .open else {
            let error = closeError ?? AMQPError(code: .notConnected, message: "the AMQP connection is not open")
            return command.fail(error)
        }
        switch command {
        case .openChannel(let promise):
            openChannel(promise: promise, context: context)
        case .call(let id, let method, let promise):
            guard let channel = openChannel(id, failing: promise) else { return }
            if case .confirmSelect = method, channel.confirms == nil { channel.confirms = AMQPConfirmTracker() }
            channel.pendingCalls.append(promise)
            send([.method(channel: id, method)], context: context)
        case .consume(let id, let method, let deliveries, let promise):
            guard let channel = openChannel(id, failing: promise) else {
                return deliveries.finish(throwing: AMQPError(code: .notConnected, message: "channel \(id) is not open"))
            }
            channel.pendingConsumers.append(deliveries)
            channel.pendingCalls.append(promise)
            send([.method(channel: id, method)], context: context)
        case .send(let id, let method, let promise):
            guard openChannel(id, failing: promise) != nil else { return }
            send([.method(channel: id, method)], context: context, promise: promise)
        case .publish(let id, let messages, let promise):
            publish(messages, channel: id, promise: promise, context: context)
        case .closeChannel(let id, let promise):
            guard let channel = channels[id], channel.phase != .closing else { return promise.succeed(()) }
            channel.phase = .closing
            let reply = context.eventLoop.makePromise(of: AMQPMethod.self)
            channel.pendingCalls.append(reply)
            reply.futureResult.map { _ in }.cascade(to: promise)
            send(
                [.method(channel: id, .channelClose(AMQPCloseReply(replyCode: 200, replyText: "Normal shutdown")))],
                context: context)
        case .close:
            preconditionFailure("handled above")
        }
    }

    /// The channel if it is open; otherwise fails `promise` and returns nil.
    func openChannel<T>(_ id: UInt16, failing promise: EventLoopPromise<T>) -> AMQPChannelState? {
        guard let channel = channels[id], channel.phase == .open else {
            promise.fail(AMQPError(code: .notConnected, message: "AMQP channel \(id) is not open"))
            return nil
        }
        return channel
    }

    private func openChannel(promise: EventLoopPromise<UInt16>, context: ChannelHandlerContext) {
        let limit = tuning.channelMax == 0 ? UInt16.max : tuning.channelMax
        guard let id = (1...limit).first(where: { channels[$0] == nil }) else {
            return promise.fail(AMQPError(code: .invalidArgument, message: "all \(limit) AMQP channels are in use"))
        }
        let channel = AMQPChannelState(id: id)
        channels[id] = channel
        let reply = context.eventLoop.makePromise(of: AMQPMethod.self)
        channel.pendingCalls.append(reply)
        reply.futureResult.map { _ in id }.cascade(to: promise)
        send([.method(channel: id, .channelOpen)], context: context)
    }

    private func close(promise: EventLoopPromise<Void>, context: ChannelHandlerContext) {
        switch state {
        case .closed:
            promise.succeed(())
        case .closing:
            closePromises.append(promise)
        case .awaitingStart, .awaitingTune, .awaitingOpenOk:
            closePromises.append(promise)
            state = .closing
            context.close(promise: nil)
        case .open:
            closePromises.append(promise)
            state = .closing
            send(
                [.method(channel: 0, .connectionClose(AMQPCloseReply(replyCode: 200, replyText: "Normal shutdown")))],
                context: context)
            // A broker that never answers must not keep the connection open forever.
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: .seconds(5)) { loopBound.value.close(promise: nil) }
        }
    }
}

extension AMQPCommand {
    /// Fails the command's promise.
    func fail(_ error: AMQPError) {
        switch self {
        case .openChannel(let promise): promise.fail(error)
        case .call(_, _, let promise): promise.fail(error)
        case .consume(_, _, let deliveries, let promise):
            deliveries.finish(throwing: error)
            promise.fail(error)
        case .send(_, _, let promise): promise.fail(error)
        case .publish(_, _, let promise): promise.fail(error)
        case .closeChannel(_, let promise): promise.fail(error)
        case .close(let promise): promise.fail(error)
        }
    }
}
