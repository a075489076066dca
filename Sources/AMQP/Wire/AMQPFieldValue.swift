/// A value in an AMQP field table or field array.
///
/// The cases follow the type tags RabbitMQ reads and writes (its errata to the 0-9-1 spec):
/// `t b B s u I i l f d D S x A T F V`.
public enum AMQPFieldValue: Hashable, Sendable {
    /// `t`: a boolean, one octet.
    case bool(Bool)
    /// `b`: a signed 8-bit integer.
    case int8(Int8)
    /// `B`: an unsigned 8-bit integer.
    case uint8(UInt8)
    /// `s`: a signed 16-bit integer.
    case int16(Int16)
    /// `u`: an unsigned 16-bit integer.
    case uint16(UInt16)
    /// `I`: a signed 32-bit integer.
    case int32(Int32)
    /// `i`: an unsigned 32-bit integer.
    case uint32(UInt32)
    /// `l`: a signed 64-bit integer.
    case int64(Int64)
    /// `f`: a 32-bit IEEE float.
    case float(Float)
    /// `d`: a 64-bit IEEE double.
    case double(Double)
    /// `D`: a decimal, `value × 10^-scale`.
    case decimal(scale: UInt8, value: UInt32)
    /// `S`: a long string (UTF-8).
    case string(String)
    /// `x`: a byte array.
    case bytes([UInt8])
    /// `A`: a field array.
    case array([AMQPFieldValue])
    /// `T`: a timestamp, seconds since the Unix epoch.
    case timestamp(UInt64)
    /// `F`: a nested field table.
    case table(AMQPTable)
    /// `V`: no value.
    case void

    /// The one-octet type tag written before the value.
    var typeTag: UInt8 {
        switch self {
        case .bool: UInt8(ascii: "t")
        case .int8: UInt8(ascii: "b")
        case .uint8: UInt8(ascii: "B")
        case .int16: UInt8(ascii: "s")
        case .uint16: UInt8(ascii: "u")
        case .int32: UInt8(ascii: "I")
        case .uint32: UInt8(ascii: "i")
        case .int64: UInt8(ascii: "l")
        case .float: UInt8(ascii: "f")
        case .double: UInt8(ascii: "d")
        case .decimal: UInt8(ascii: "D")
        case .string: UInt8(ascii: "S")
        case .bytes: UInt8(ascii: "x")
        case .array: UInt8(ascii: "A")
        case .timestamp: UInt8(ascii: "T")
        case .table: UInt8(ascii: "F")
        case .void: UInt8(ascii: "V")
        }
    }
}

extension AMQPFieldValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}

extension AMQPFieldValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}
