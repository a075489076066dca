import NIOCore

/// Decodes bytes into ``AMQPFrame``s.
///
/// Rejects, with an ``AMQPError``: frames larger than `maxFrameSize` (``AMQPError/Code/frameTooLarge``),
/// a frame-end octet other than `0xCE`, unknown frame types and payloads that do not parse
/// (``AMQPError/Code/malformedFrame``), and a broker answering with its own protocol header
/// (``AMQPError/Code/unsupportedProtocol``).
public struct AMQPFrameDecoder: ByteToMessageDecoder, Sendable {
    public typealias InboundOut = AMQPFrame

    /// The largest whole frame (header, payload and frame-end) accepted, i.e. the client's `frame_max`.
    public let maxFrameSize: UInt32

    /// Creates a decoder accepting frames up to `maxFrameSize` bytes (0 means 128 MiB).
    public init(maxFrameSize: UInt32 = 131_072) {
        self.maxFrameSize = maxFrameSize == 0 ? 128 * 1024 * 1024 : maxFrameSize
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try decodeFrame(from: &buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws -> DecodingState {
        while let frame = try decodeFrame(from: &buffer) {
            context.fireChannelRead(Self.wrapInboundOut(frame))
        }
        return .needMoreData
    }

    /// Reads one frame if the buffer holds a whole one; leaves the buffer untouched otherwise.
    func decodeFrame(from buffer: inout ByteBuffer) throws -> AMQPFrame? {
        guard let type = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return nil }
        if type == AMQPFrame.protocolHeaderBytes[0] {
            throw AMQPError(
                code: .unsupportedProtocol,
                message: "the server answered with a protocol header: it does not speak AMQP 0-9-1")
        }
        guard let size = buffer.getInteger(at: buffer.readerIndex + 3, as: UInt32.self) else { return nil }
        guard UInt64(size) + UInt64(AMQPFrame.overhead) <= UInt64(maxFrameSize) else {
            throw AMQPError(
                code: .frameTooLarge,
                message: "frame of \(UInt64(size) + UInt64(AMQPFrame.overhead)) bytes exceeds frame_max \(maxFrameSize)"
            )
        }
        let total = Int(size) + AMQPFrame.overhead
        guard buffer.readableBytes >= total else { return nil }
        let endIndex = buffer.readerIndex + total - 1
        guard let end = buffer.getInteger(at: endIndex, as: UInt8.self), end == AMQPFrame.frameEnd else {
            let found = buffer.getInteger(at: endIndex, as: UInt8.self) ?? 0
            throw AMQPError(
                code: .malformedFrame, message: "bad frame-end octet 0x\(String(found, radix: 16)), expected 0xce")
        }
        buffer.moveReaderIndex(forwardBy: 1)
        let channel = try buffer.readAMQPInteger(as: UInt16.self)
        buffer.moveReaderIndex(forwardBy: 4)
        var payload = buffer.readSlice(length: Int(size))!
        buffer.moveReaderIndex(forwardBy: 1)

        switch type {
        case AMQPFrame.FrameType.method:
            let method = try AMQPMethod.read(from: &payload)
            try Self.expectConsumed(payload, "method \(method.id)")
            return .method(channel: channel, method)
        case AMQPFrame.FrameType.header:
            let classID = try payload.readAMQPInteger(as: UInt16.self)
            _ = try payload.readAMQPInteger(as: UInt16.self)  // weight
            let bodySize = try payload.readAMQPInteger(as: UInt64.self)
            let properties = try AMQPProperties.read(from: &payload)
            try Self.expectConsumed(payload, "content header")
            return .header(
                channel: channel, AMQPContentHeader(classID: classID, bodySize: bodySize, properties: properties))
        case AMQPFrame.FrameType.body:
            return .body(channel: channel, payload)
        case AMQPFrame.FrameType.heartbeat:
            return .heartbeat
        default:
            throw AMQPError(code: .malformedFrame, message: "unknown frame type \(type)")
        }
    }

    /// `what` is only built for the error: interpolating a method id for every frame was an eighth of a
    /// consumer's CPU.
    private static func expectConsumed(_ payload: ByteBuffer, _ what: @autoclosure () -> String) throws {
        guard payload.readableBytes == 0 else {
            throw AMQPError(
                code: .malformedFrame, message: "\(payload.readableBytes) unexpected trailing bytes in \(what())")
        }
    }
}
