import HTTPTypes
import Hummingbird

/// What Neutron's WSGI stack does around its API controllers: the URL map sends `/` and every path
/// outside `/v2.0` to the version app, which needs no identity and answers in webob's shape
/// (``WebobError``), and a `HEAD` gets the headers of its answer without the body.
///
/// Added before ``NeutronMiddleware``, so that an unknown version (`/v3.0/ports`) is 404 without
/// credentials, as in Neutron. It answers every path outside `/` and `/v2.0` itself: a route there
/// must be registered before ``NeutronAPI/register(on:)`` (as `/metrics` is) to be served, except
/// the monitor paths of ``EventSourceEndpoints/doctorAliases``.
struct VersionAppMiddleware: RouterMiddleware {
    typealias Context = PortwatchRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        // The URL map, like the router, ignores empty path segments (`//v2.0//ports`).
        let first = request.uri.path.drop { $0 == "/" }.prefix { $0 != "/" }
        // Doctor's and Vitrage's monitors post to an inspector's base URL (`/events`, `/v1/event`):
        // served by the API, with its authentication.
        guard first == "v2.0" || EventSourceEndpoints.isDoctorAlias(request.uri.path) else {
            guard first.isEmpty else { return WebobError(kind: .versionNotFound).response(to: request) }
            guard request.method == .get else {
                return WebobError(kind: .versionMethodNotAllowed(request.method.rawValue)).response(to: request)
            }
            return try await next(request, context)
        }
        guard request.method == .head else { return try await next(request, context) }
        // uWSGI keeps the Content-Length of the body it does not send.
        var response = try await next(request, context)
        let length = response.headers[.contentLength]
        response.body = ResponseBody()
        response.headers[.contentLength] = length
        return response
    }
}
