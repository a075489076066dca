/// A failure as Neutron reports it: `{"NeutronError": {"type", "message", "detail"}}` with an HTTP code.
///
/// The domain raises these so that every layer agrees on the exact type names and messages clients
/// (and tempest) look for.
public struct NeutronError: Error, Sendable, Hashable {
    /// The HTTP status code.
    public var httpStatus: Int
    /// The Python exception class name Neutron reports, e.g. `PortNotFound`.
    public var type: String
    public var message: String
    public var detail: String = ""
    /// The body is `{"type", "message", "detail"}` without the `NeutronError` key: what Neutron 29
    /// answers to the show of a port the caller's rules may not read (``hiddenPortOnShow``).
    public var isBare = false

    public init(status: Int, type: String, message: String, detail: String = "") {
        self.httpStatus = status
        self.type = type
        self.message = message
        self.detail = detail
    }

    public static func badRequest(_ message: String) -> NeutronError {
        NeutronError(status: 400, type: "HTTPBadRequest", message: message)
    }

    /// neutron-lib's `BadRequest`: "Bad <resource> request: <msg>."
    public static func badRequest(resource: String, _ message: String) -> NeutronError {
        NeutronError(status: 400, type: "BadRequest", message: "Bad \(resource) request: \(message).")
    }

    public static func invalidInput(_ message: String) -> NeutronError {
        NeutronError(status: 400, type: "InvalidInput", message: "Invalid input for operation: \(message).")
    }

    public static func portNotFound(_ id: String) -> NeutronError {
        NeutronError(status: 404, type: "PortNotFound", message: "Port \(id) could not be found.")
    }

    public static func networkNotFound(_ id: String) -> NeutronError {
        NeutronError(status: 404, type: "NetworkNotFound", message: "Network \(id) could not be found.")
    }

    public static let resourceNotFound = NeutronError(
        status: 404, type: "HTTPNotFound", message: "The resource could not be found.")

    /// ``resourceNotFound`` as `GET /v2.0/ports/{id}` answers it for a port of the caller's project that
    /// `get_port` denies: Neutron's show raises webob's 404 past the fault wrapper, so its body is bare.
    public static let hiddenPortOnShow: NeutronError = {
        var error = resourceNotFound
        error.isBare = true
        return error
    }()

    /// 503: Portwatch cannot serve the request now (starting, stopping, or its store is unavailable).
    public static let serviceUnavailable = NeutronError(
        status: 503, type: "ServiceUnavailable", message: "Portwatch cannot serve this request now; try again shortly.")

    /// oslo.policy's 403: `MATCH is disallowed by policy`, with the check as ``PolicyMatch`` prints it.
    public static func policyNotAuthorized(_ match: String) -> NeutronError {
        NeutronError(status: 403, type: "PolicyNotAuthorized", message: "\(match) is disallowed by policy")
    }

    public static func revisionConstraintFailed(expected: Int, current: Int) -> NeutronError {
        NeutronError(
            status: 412, type: "RevisionNumberConstraintFailed",
            message: "Constrained to \(expected), but current revision is \(current)")
    }

    public static func networkInUse(_ id: String, ports: [String]) -> NeutronError {
        NeutronError(
            status: 409, type: "NetworkInUse",
            message:
                "Unable to complete operation on network \(id). There are one or more ports still in use on the network, id for these ports is: \(ports.sorted().joined(separator: ","))."
        )
    }

    public static func macAddressInUse(network: String, mac: String) -> NeutronError {
        NeutronError(
            status: 409, type: "MacAddressInUse",
            message: "Unable to complete operation for network \(network). The mac address \(mac) is in use.")
    }

    public static func tagNotFound(_ tag: String) -> NeutronError {
        NeutronError(status: 404, type: "TagNotFound", message: "Tag \(tag) could not be found.")
    }
}
