/// Why Keystone could not answer a question about a token.
public struct KeystoneError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, growable without breaking callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable { case unavailable, serviceCredentialsRejected, malformedResponse }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// Keystone could not be reached, timed out, or answered 5xx.
        public static let unavailable = Code(.unavailable)
        /// Keystone refused Portwatch's own service credentials.
        public static let serviceCredentialsRejected = Code(.serviceCredentialsRejected)
        /// Keystone answered something that is not a token document.
        public static let malformedResponse = Code(.malformedResponse)
        public var description: String { base.rawValue }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
