/// The type of an exchange: `direct`, `fanout`, `topic`, `headers`, or a plugin's type by name.
public struct AMQPExchangeType: Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The type's name on the wire.
    public var rawValue: String

    /// Creates a type from its name.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public init(stringLiteral value: String) { rawValue = value }

    public var description: String { rawValue }

    /// Routes on exact routing-key match.
    public static let direct = AMQPExchangeType("direct")
    /// Routes to every bound queue.
    public static let fanout = AMQPExchangeType("fanout")
    /// Routes on routing-key patterns (`*` one word, `#` zero or more); oslo.messaging's choice.
    public static let topic = AMQPExchangeType("topic")
    /// Routes on header values.
    public static let headers = AMQPExchangeType("headers")
}
