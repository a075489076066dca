import NIOCore

/// Encodes ``AMQPFrame``s to bytes. Body frames are written as given: splitting a message body at
/// `frame_max - 8` is the sender's job (the connection does it).
public struct AMQPFrameEncoder: MessageToByteEncoder, Sendable {
    public typealias OutboundIn = AMQPFrame

    /// Creates an encoder.
    public init() {}

    public func encode(data: AMQPFrame, out: inout ByteBuffer) throws {
        switch data {
        case .protocolHeader:
            out.writeBytes(AMQPFrame.protocolHeaderBytes)
        case .heartbeat:
            out.writeInteger(AMQPFrame.FrameType.heartbeat)
            out.writeInteger(UInt16(0))
            out.writeInteger(UInt32(0))
            out.writeInteger(AMQPFrame.frameEnd)
        case .method(let channel, let method):
            try Self.writeFrame(type: AMQPFrame.FrameType.method, channel: channel, to: &out) {
                try method.write(to: &$0)
            }
        case .header(let channel, let header):
            try Self.writeFrame(type: AMQPFrame.FrameType.header, channel: channel, to: &out) { payload in
                payload.writeInteger(header.classID)
                payload.writeInteger(UInt16(0))  // weight
                payload.writeInteger(header.bodySize)
                try header.properties.write(to: &payload)
            }
        case .body(let channel, var body):
            try Self.writeFrame(type: AMQPFrame.FrameType.body, channel: channel, to: &out) { $0.writeBuffer(&body) }
        }
    }

    private static func writeFrame(
        type: UInt8, channel: UInt16, to out: inout ByteBuffer, payload: (inout ByteBuffer) throws -> Void
    ) throws {
        out.writeInteger(type)
        out.writeInteger(channel)
        let sizeIndex = out.writerIndex
        out.writeInteger(UInt32(0))
        try payload(&out)
        out.setInteger(UInt32(out.writerIndex - sizeIndex - 4), at: sizeIndex)
        out.writeInteger(AMQPFrame.frameEnd)
    }
}
