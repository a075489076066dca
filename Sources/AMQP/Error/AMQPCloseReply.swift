/// The reason a broker gave when it closed a channel or the connection, or the one the client sends.
///
/// RabbitMQ uses AMQP reply codes, for example 406 `PRECONDITION_FAILED` when an exchange is
/// redeclared with other properties, 404 `NOT_FOUND`, 320 `CONNECTION_FORCED` on broker shutdown.
public struct AMQPCloseReply: Hashable, Sendable {
    /// The AMQP reply code, e.g. 200 for a normal close or 406 for `PRECONDITION_FAILED`.
    public var replyCode: UInt16
    /// The broker's text, e.g. `PRECONDITION_FAILED - inequivalent arg 'durable' ...`.
    public var replyText: String
    /// The class of the method that caused the close, or 0.
    public var classID: UInt16
    /// The method that caused the close, or 0.
    public var methodID: UInt16

    /// Creates a close reply.
    public init(replyCode: UInt16, replyText: String, classID: UInt16 = 0, methodID: UInt16 = 0) {
        self.replyCode = replyCode
        self.replyText = replyText
        self.classID = classID
        self.methodID = methodID
    }

    /// The reply code AMQP uses for a normal close.
    public static let replySuccess: UInt16 = 200
    /// The reply code of `PRECONDITION_FAILED` (e.g. an exchange redeclared with another durability).
    public static let preconditionFailed: UInt16 = 406
}
