import Hummingbird

/// Accepts Neutron's `.json` format suffix (`/v2.0/ports.json`, `/v2.0/ports/{id}.json`) by
/// rewriting the path before routing.
public struct FormatSuffixResponder<Inner: HTTPResponder>: HTTPResponder {
    public typealias Context = Inner.Context
    let inner: Inner

    public func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        guard path.hasSuffix(".json") else { return try await inner.respond(to: request, context: context) }
        var head = request.head
        let trimmed = String(path.dropLast(".json".count))
        head.path = request.uri.query.map { trimmed + "?" + $0 } ?? trimmed
        return try await inner.respond(to: Request(head: head, body: request.body), context: context)
    }
}

/// A router whose responder accepts the `.json` suffix: pass it to `Application(router:)`.
public struct NeutronRouter: HTTPResponderBuilder {
    public let router: Router<PortwatchRequestContext>

    public init(_ router: Router<PortwatchRequestContext>) {
        self.router = router
    }

    public func buildResponder() -> FormatSuffixResponder<RouterResponder<PortwatchRequestContext>> {
        FormatSuffixResponder(inner: router.buildResponder())
    }
}
