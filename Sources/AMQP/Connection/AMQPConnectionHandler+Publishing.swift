import NIOCore

extension AMQPConnectionHandler {
    /// Writes `basic.publish` + content header + body frames for each message as one buffer. In
    /// confirm mode the promise completes when every message is acked; otherwise once written.
    func publish(
        _ messages: [AMQPMessage], channel id: UInt16, promise: EventLoopPromise<Void>, context: ChannelHandlerContext
    ) {
        guard let channel = openChannel(id, failing: promise) else { return }
        guard !messages.isEmpty else { return promise.succeed(()) }
        if isBlocked {
            publishesWhileBlocked.append((id, messages, promise))
            return
        }
        var buffer = context.channel.allocator.buffer(capacity: messages.count * (messages[0].body.readableBytes + 128))
        do {
            for message in messages {
                for frame in message.frames(channel: id, frameMax: tuning.frameMax) {
                    try encoder.encode(data: frame, out: &buffer)
                }
            }
        } catch {
            return promise.fail(AMQPError(code: .invalidArgument, message: "message cannot be encoded", cause: error))
        }
        if channel.confirms != nil {
            let batch = AMQPConfirmBatch(promise: promise, count: messages.count)
            for message in messages { channel.confirms?.register(message, in: batch) }
            write(buffer, context: context, promise: nil)
        } else {
            write(buffer, context: context, promise: promise)
        }
    }
}
