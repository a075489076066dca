import NIOCore

extension AMQPMessage {
    /// The frames that publish this message on `channel`: `basic.publish`, the content header,
    /// and the body split into frames of at most `frameMax - 8` bytes (none for an empty body).
    func frames(channel: UInt16, frameMax: UInt32) -> [AMQPFrame] {
        let maxBodyFrame = Int(frameMax == 0 ? 131_072 : frameMax) - AMQPFrame.overhead
        var frames: [AMQPFrame] = [
            .method(
                channel: channel,
                .basicPublish(
                    exchange: exchange, routingKey: routingKey, mandatory: mandatory, immediate: false)),
            .header(channel: channel, AMQPContentHeader(bodySize: UInt64(body.readableBytes), properties: properties)),
        ]
        frames.reserveCapacity(2 + body.readableBytes / maxBodyFrame + 1)
        var body = body
        while body.readableBytes > 0, let chunk = body.readSlice(length: min(maxBodyFrame, body.readableBytes)) {
            frames.append(.body(channel: channel, chunk))
        }
        return frames
    }
}
