import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PortwatchCore
import SourceCredentials

/// The edge of the Neutron API: resolves the caller, turns every
/// failure into a Neutron error body, and stamps `x-openstack-request-id`.
struct NeutronMiddleware: RouterMiddleware {
    typealias Context = PortwatchRequestContext
    let identities: IdentityResolver
    /// The rules in force, taken once per request.
    let policy: ActivePolicy

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let identity: Identity
        // `GET /` (version discovery) is outside Neutron's auth pipeline: clients read it first.
        let resolution: IdentityResolver.Resolution =
            request.uri.path == "/"
            ? .identity(
                Identity(userID: nil, projectID: nil, roles: [], requestID: "req-" + RandomID.uuid()))
            : await identities.resolve(request)
        switch resolution {
        case .identity(let resolved):
            identity = resolved
        case .unauthorized(let body, let wwwAuthenticate):
            var response = JSONResponse.make(status: .unauthorized, bytes: body)
            response.headers[IdentityResolver.requestIDHeader] = "req-" + RandomID.uuid()
            if let wwwAuthenticate { response.headers[.wwwAuthenticate] = wwwAuthenticate }
            // A source whose machines use basic auth: challenge for it, as curl-based senders
            // (collectd's write_http) send their user and password only when asked.
            if let sources = identities.sources,
                let source = EventSourceEndpoints.source(
                    ofPath: request.uri.path[...], userAgent: request.headers[.userAgent]),
                sources.hasBasicCredentials(for: source), wwwAuthenticate?.hasPrefix("Basic") != true
            {
                response.headers.append(HTTPField(name: .wwwAuthenticate, value: #"Basic realm="portwatch""#))
            }
            return response
        case .unavailable:
            var response = JSONResponse.make(
                status: .serviceUnavailable, bytes: IdentityResolver.keystoneUnavailable.bodyBytes)
            response.headers[IdentityResolver.requestIDHeader] = "req-" + RandomID.uuid()
            return response
        case .forbidden(let error):
            var response = JSONResponse.make(status: .forbidden, bytes: error.bodyBytes)
            response.headers[IdentityResolver.requestIDHeader] = "req-" + RandomID.uuid()
            return response
        }
        var context = context
        context.access = policy.access(for: identity)
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as NeutronError {
            response = JSONResponse.make(status: error.status, bytes: error.bodyBytes)
        } catch let error as HTTPError {
            let neutron: NeutronError
            switch error.status {
            case .notFound: neutron = .resourceNotFound
            case .methodNotAllowed:
                neutron = NeutronError(
                    status: 405, type: "HTTPMethodNotAllowed",
                    message:
                        "The server could not comply with the request since it is either malformed or otherwise incorrect."
                )
            case .contentTooLarge:
                neutron = NeutronError(status: 413, type: "HTTPRequestEntityTooLarge", message: "Request is too large.")
            default:
                neutron = NeutronError(
                    status: error.status.code, type: "HTTPError", message: error.body ?? error.status.reasonPhrase)
            }
            response = JSONResponse.make(status: neutron.status, bytes: neutron.bodyBytes)
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)"])
            response = JSONResponse.make(status: .internalServerError, bytes: Self.internalError.bodyBytes)
        }
        response.headers[IdentityResolver.requestIDHeader] = identity.requestID
        return response
    }

    /// The answer to a failure that is not the client's and has no Neutron error of its own.
    static let internalError = NeutronError(
        status: 500, type: "HTTPInternalServerError",
        message: "Request Failed: internal server error while processing your request.")
}
