import HTTPTypes
import Hummingbird
import PortwatchCore

extension NeutronError {
    /// Neutron's 405 for a method that a known path does not serve (`PATCH /v2.0/ports`, and `HEAD`
    /// on every collection and item).
    static let methodNotAllowed = NeutronError(
        status: 405, type: "HTTPMethodNotAllowed",
        message: "The server could not comply with the request since it is either malformed or otherwise incorrect.")
}

extension NeutronAPI {
    /// Answers `methods` on `path` with ``NeutronError/methodNotAllowed`` (Hummingbird's router would
    /// answer an unserved method with 404).
    static func refuse(
        _ methods: [HTTPRequest.Method], on path: String, _ router: Router<PortwatchRequestContext>
    ) {
        for method in methods {
            router.on(RouterPath(path), method: method) { _, _ -> Response in throw NeutronError.methodNotAllowed }
        }
    }
}
