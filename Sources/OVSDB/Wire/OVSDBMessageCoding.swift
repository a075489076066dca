import NIOCore

/// Turns OVSDB's undelimited byte stream into one ``JSONValue`` per JSON-RPC message.
///
/// Framing is ``JSONObjectSplitter``'s; decoding is `JSONDecoder`'s. Tested byte for byte through
/// `EmbeddedChannel`.
public struct OVSDBMessageDecoder: ByteToMessageDecoder {
    public typealias InboundOut = JSONValue

    private var splitter: JSONObjectSplitter

    /// Creates a decoder that rejects messages longer than `maximumMessageSize` bytes.
    public init(maximumMessageSize: Int = JSONObjectSplitter.defaultMaximumMessageSize) {
        self.splitter = JSONObjectSplitter(maximumMessageSize: maximumMessageSize)
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let message = try splitter.nextMessage(from: &buffer) else { return .needMoreData }
        let value = try JSONValue(decoding: message.readableBytesView)
        context.fireChannelRead(wrapInboundOut(value))
        return .continue
    }

    public mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        // A partial message at end of stream is dropped: the peer went away mid-message.
        buffer.moveReaderIndex(to: buffer.writerIndex)
        return .needMoreData
    }
}

/// Writes each ``JSONValue`` as its JSON text, with no delimiter, as OVSDB expects.
public struct OVSDBMessageEncoder: MessageToByteEncoder {
    public typealias OutboundIn = JSONValue

    /// Creates an encoder.
    public init() {}

    public func encode(data: JSONValue, out: inout ByteBuffer) throws {
        out.writeBytes(data.encoded())
    }
}
