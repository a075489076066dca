/// Why a call to Neutron did not give what was asked, as a value the caller decides on: retry
/// (``Code/unavailable``, ``Code/serverError``), drop (``Code/notFound``), or re-authenticate
/// (``Code/unauthorized``, which the client already tried once).
public struct NeutronClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, growable without breaking callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case unavailable, serverError, notFound, unauthorized, rejected, malformedResponse, noEndpoint
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// Neutron could not be reached or did not answer in time.
        public static let unavailable = Code(.unavailable)
        /// Neutron answered 5xx.
        public static let serverError = Code(.serverError)
        /// 404: the resource (a port being written) is gone.
        public static let notFound = Code(.notFound)
        /// 401 even with a fresh token, or Keystone refused the service credentials.
        public static let unauthorized = Code(.unauthorized)
        /// Another 4xx (400, 403, 409, 412): retrying the same request will not help.
        public static let rejected = Code(.rejected)
        /// A 2xx whose body is not what Neutron sends.
        public static let malformedResponse = Code(.malformedResponse)
        /// No Neutron URL: the catalog has no `network` endpoint at the interface and region asked.
        public static let noEndpoint = Code(.noEndpoint)
        public var description: String { base.rawValue }
    }

    public var code: Code
    /// The HTTP status when Neutron answered.
    public var status: Int?
    public var message: String

    public init(_ code: Code, status: Int? = nil, _ message: String) {
        self.code = code
        self.status = status
        self.message = message
    }

    /// Whether the same request may succeed later (connection errors, 5xx, a missing endpoint).
    public var isTransient: Bool {
        code == .unavailable || code == .serverError || code == .noEndpoint || code == .unauthorized
    }

    public var description: String { "\(code)\(status.map { " (HTTP \($0))" } ?? ""): \(message)" }
}
