import NIOCore

/// One AMQP 0-9-1 frame: `type:u8 channel:u16 size:u32 payload 0xCE`.
///
/// ``protocolHeader`` is not a frame but the 8 bytes `AMQP 0 0 9 1` a client sends first; it is a
/// case here so that the whole outbound stream goes through one encoder.
public enum AMQPFrame: Hashable, Sendable {
    /// A method frame (type 1).
    case method(channel: UInt16, AMQPMethod)
    /// A content header frame (type 2).
    case header(channel: UInt16, AMQPContentHeader)
    /// A content body frame (type 3).
    case body(channel: UInt16, ByteBuffer)
    /// A heartbeat frame (type 8, channel 0, empty payload).
    case heartbeat
    /// The protocol header `"AMQP" 0 0 9 1`, sent once by the client (outbound only).
    case protocolHeader

    /// The frame type octet.
    enum FrameType {
        static let method: UInt8 = 1
        static let header: UInt8 = 2
        static let body: UInt8 = 3
        static let heartbeat: UInt8 = 8
    }

    /// The octet that ends every frame.
    static let frameEnd: UInt8 = 0xCE

    /// Type, channel and size: the bytes before the payload.
    static let headerSize = 7

    /// Header plus frame-end: what a frame costs on top of its payload.
    static let overhead = 8

    /// The bytes of the AMQP 0-9-1 protocol header.
    static let protocolHeaderBytes: [UInt8] = [0x41, 0x4D, 0x51, 0x50, 0, 0, 9, 1]
}
