/// An error raised by the OVSDB client: a malformed endpoint or message, a message over the size
/// bound, an error answer from ovsdb-server, a lost connection.
///
/// Match on ``code`` rather than on ``message``; the message is meant for people.
///
/// ```swift
/// do {
///     _ = try await client.transact(database: "Open_vSwitch", operations: ops)
/// } catch let error as OVSDBError where error.code == .transactionFailed {
///     print(error.message)
/// }
/// ```
public struct OVSDBError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public var code: Code
    /// A human-readable explanation.
    public var message: String
    /// The `error` member of ovsdb-server's answer, when the server answered with an error.
    public var serverError: JSONValue?
    /// The underlying error, if any.
    public var cause: (any Error)?

    /// Creates an error.
    public init(code: Code, message: String, serverError: JSONValue? = nil, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.serverError = serverError
        self.cause = cause
    }

    public var description: String {
        var text = "OVSDBError(\(code)): \(message)"
        if let cause { text += " (cause: \(cause))" }
        return text
    }
}

extension OVSDBError {
    /// The kind of an ``OVSDBError``. New codes may be added in later versions.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidEndpoint
            case malformedMessage
            case messageTooLarge
            case unexpectedResponse
            case serverError
            case transactionFailed
            case connectionClosed
            case inactivityTimeout
            case databaseMissing
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// An endpoint string that is not `tcp:HOST:PORT` or `unix:PATH`.
        public static let invalidEndpoint = Code(.invalidEndpoint)
        /// Bytes that are not a JSON-RPC message (bad JSON, a non-object at the top level).
        public static let malformedMessage = Code(.malformedMessage)
        /// A message longer than the decoder's bound.
        public static let messageTooLarge = Code(.messageTooLarge)
        /// An answer whose shape does not match the request (a `result` of the wrong type).
        public static let unexpectedResponse = Code(.unexpectedResponse)
        /// ovsdb-server answered the request with a non-null `error`.
        public static let serverError = Code(.serverError)
        /// A `transact` whose operations did not all succeed.
        public static let transactionFailed = Code(.transactionFailed)
        /// The connection closed (by the server, by the network or by us) before an answer.
        public static let connectionClosed = Code(.connectionClosed)
        /// Nothing arrived within the probe interval, not even an answer to our `echo`.
        public static let inactivityTimeout = Code(.inactivityTimeout)
        /// The server does not serve the database we need (`Open_vSwitch`).
        public static let databaseMissing = Code(.databaseMissing)

        public var description: String { base.rawValue }
    }
}
