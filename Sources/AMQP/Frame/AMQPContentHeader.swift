/// The payload of a content header frame (type 2): which class the content belongs to, the total
/// body size that the following body frames carry, and the message properties.
public struct AMQPContentHeader: Hashable, Sendable {
    /// The class of the method the content belongs to; 60 (`basic`) for messages.
    public var classID: UInt16
    /// The total size of the body, summed over all following body frames.
    public var bodySize: UInt64
    /// The message properties.
    public var properties: AMQPProperties

    /// Creates a content header; `classID` defaults to the basic class.
    public init(classID: UInt16 = 60, bodySize: UInt64, properties: AMQPProperties) {
        self.classID = classID
        self.bodySize = bodySize
        self.properties = properties
    }
}
