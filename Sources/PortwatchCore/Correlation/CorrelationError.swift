/// A request the engine refuses; it changes nothing.
public struct CorrelationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of problem; can grow without breaking callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case unknownResource, notMaintainable
        }
        private let base: Base

        /// The topology has no such resource (HTTP 404).
        public static let unknownResource = Code(base: .unknownResource)
        /// Maintenance applies to switches and hosts only (HTTP 400).
        public static let notMaintainable = Code(base: .notMaintainable)

        public var description: String { base.rawValue }
    }

    /// The class of problem.
    public var code: Code
    /// Human-readable detail.
    public var message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
