/// Why a ``TopologyDocument`` could not be turned into a ``Topology``.
///
/// The API layer renders it as a 400 with ``message``.
public struct TopologyValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of problem; can grow without breaking callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case duplicateID, unknownReference, invalidLink
        }
        private let base: Base

        /// Two resources of the same kind share an id (or two interfaces of a host share a name).
        public static let duplicateID = Code(base: .duplicateID)
        /// A link, bond or mapping names a switch, port, host, NIC or bond that does not exist.
        public static let unknownReference = Code(base: .unknownReference)
        /// A link that cannot exist: host to host, or a port linked to itself.
        public static let invalidLink = Code(base: .invalidLink)

        public var description: String { base.rawValue }
    }

    /// The class of problem.
    public var code: Code
    /// Human-readable detail naming the offending element.
    public var message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
