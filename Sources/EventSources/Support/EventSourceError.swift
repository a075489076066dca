/// A body an adapter cannot read: not JSON, not the format, or a required field missing or wrong.
///
/// The API renders it as a Neutron-style 400 with ``message``.
public struct EventSourceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of problem; can grow without breaking callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case invalidJSON, unexpectedShape, missingField, invalidValue
        }
        private let base: Base

        /// The body is not JSON.
        public static let invalidJSON = Code(base: .invalidJSON)
        /// The body is JSON but not shaped like the format (wrong top-level type, no event list).
        public static let unexpectedShape = Code(base: .unexpectedShape)
        /// A field the format requires is absent.
        public static let missingField = Code(base: .missingField)
        /// A field has a value of the wrong type or an unreadable value (a time that is not ISO 8601).
        public static let invalidValue = Code(base: .invalidValue)

        public var description: String { base.rawValue }
    }

    /// The class of problem.
    public var code: Code
    /// The format being decoded (`"doctor"`, `"alertmanager"`, `"onos"`, `"opendaylight"`).
    public var format: String
    /// Human-readable detail naming the offending field and item.
    public var message: String

    /// Creates an error.
    public init(code: Code, format: String, message: String) {
        self.code = code
        self.format = format
        self.message = message
    }

    public var description: String { "\(format) \(code): \(message)" }
}
