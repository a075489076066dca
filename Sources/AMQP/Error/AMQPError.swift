/// An error raised by the AMQP client: a malformed frame, a broker that closed a channel or the
/// connection, a negatively acknowledged publish, a lost connection.
///
/// Match on ``code`` rather than on ``message``; the message is meant for people.
///
/// ```swift
/// do {
///     try await channel.publish(message)
/// } catch let error as AMQPError where error.code == .channelClosed {
///     print(error.reply?.replyCode ?? 0, error.reply?.replyText ?? "")
/// }
/// ```
public struct AMQPError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public var code: Code
    /// A human-readable explanation.
    public var message: String
    /// The broker's reply when the broker closed the channel or connection (`channel.close` /
    /// `connection.close`), otherwise `nil`.
    public var reply: AMQPCloseReply?
    /// The underlying error, if any.
    public var cause: (any Error)?

    /// Creates an error.
    public init(code: Code, message: String, reply: AMQPCloseReply? = nil, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.reply = reply
        self.cause = cause
    }

    public var description: String {
        var text = "AMQPError(\(code)): \(message)"
        if let reply { text += " [\(reply.replyCode) \(reply.replyText)]" }
        if let cause { text += " (cause: \(cause))" }
        return text
    }
}

extension AMQPError {
    /// The kind of an ``AMQPError``. New codes may be added in later versions.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidURL
            case invalidArgument
            case malformedFrame
            case frameTooLarge
            case unsupportedProtocol
            case unexpectedFrame
            case authenticationFailed
            case handshakeTimeout
            case connectionClosed
            case channelClosed
            case connectionLost
            case missedHeartbeats
            case notConnected
            case nack
            case returned
            case shutdown
        }

        private let base: Base

        private init(_ base: Base) { self.base = base }

        /// The `amqp://` URL could not be parsed.
        public static let invalidURL = Code(.invalidURL)
        /// An argument cannot be encoded (for example a short string longer than 255 bytes).
        public static let invalidArgument = Code(.invalidArgument)
        /// A frame could not be decoded: bad frame-end byte, truncated payload, unknown type.
        public static let malformedFrame = Code(.malformedFrame)
        /// A frame was larger than the negotiated `frame_max`.
        public static let frameTooLarge = Code(.frameTooLarge)
        /// The peer does not speak AMQP 0-9-1 (it answered with its own protocol header).
        public static let unsupportedProtocol = Code(.unsupportedProtocol)
        /// A frame arrived that makes no sense in the current state.
        public static let unexpectedFrame = Code(.unexpectedFrame)
        /// The broker refused the credentials or offered no usable mechanism.
        public static let authenticationFailed = Code(.authenticationFailed)
        /// The connection handshake did not finish in time.
        public static let handshakeTimeout = Code(.handshakeTimeout)
        /// The broker closed the connection (`connection.close`); see ``AMQPError/reply``.
        public static let connectionClosed = Code(.connectionClosed)
        /// The broker closed the channel (`channel.close`); see ``AMQPError/reply``.
        public static let channelClosed = Code(.channelClosed)
        /// The TCP connection went away without a closing handshake.
        public static let connectionLost = Code(.connectionLost)
        /// Nothing was received from the broker for two heartbeat intervals.
        public static let missedHeartbeats = Code(.missedHeartbeats)
        /// The connection or channel is not open (never opened, or closed by the client).
        public static let notConnected = Code(.notConnected)
        /// The broker negatively acknowledged a publish (`basic.nack`).
        public static let nack = Code(.nack)
        /// The broker returned a mandatory message it could not route (`basic.return`).
        public static let returned = Code(.returned)
        /// The publisher was shut down.
        public static let shutdown = Code(.shutdown)

        public var description: String { base.rawValue }
    }
}
