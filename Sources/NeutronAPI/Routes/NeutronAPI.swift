import EventSources
import Foundation
import FaultCorrelation
import HTTPTypes
import Hummingbird
import PortwatchCore
import PortwatchStore

/// Neutron's v2.0 API for networks and ports, served from a ``Repository``.
///
/// ```swift
/// let router = Router(context: PortwatchRequestContext.self)
/// NeutronAPI(repository: repository).register(on: router)
/// ```
public struct NeutronAPI: Sendable {
    public let repository: Repository
    public let identities: IdentityResolver
    /// The policy rules in force (Portwatch's defaults, or an operator's file, reloaded on change).
    public let policy: ActivePolicy
    /// Portwatch's own extensions (topology, fault events) that other modules add to the catalog.
    public let extraExtensions: [(name: String, alias: String, description: String, updated: String)]
    /// The port ids in sorted order, rebuilt only when ports are added or removed.
    let sortedPortIDs = SortedIDCache()
    /// Ports' JSON as last rendered, copied when the same port is read again unchanged.
    let renderedPorts = RenderedPortCache()
    /// Fault correlation; without it the data-plane routes are not served.
    public let correlation: CorrelationService?
    /// The foreign formats' adapters, with the operator's options (``EventSourceEndpoints/adapters``
    /// by default; one per format, in that order).
    public let eventSources: [any EventSourceAdapter]

    public init(
        repository: Repository, identities: IdentityResolver = IdentityResolver(),
        policy: ActivePolicy = ActivePolicy(), correlation: CorrelationService? = nil,
        eventSources: [any EventSourceAdapter] = EventSourceEndpoints.adapters,
        extraExtensions: [(name: String, alias: String, description: String, updated: String)] = []
    ) {
        self.eventSources = eventSources
        self.repository = repository
        self.identities = identities
        self.policy = policy
        self.correlation = correlation
        self.extraExtensions = extraExtensions
    }

    /// Adds the middleware and every `/`, `/v2.0` route to `router`. Paths outside `/` and `/v2.0`
    /// are answered as Neutron's version app does (404) from here on: register other routes first.
    public func register(on router: Router<PortwatchRequestContext>) {
        router.add(middleware: VersionAppMiddleware())
        router.add(middleware: NeutronMiddleware(identities: identities, policy: policy))
        registerDiscovery(on: router)
        registerNetworks(on: router)
        registerPorts(on: router)
        registerSecurityGroups(on: router)
        registerTags(on: router)
        registerAvailabilityZones(on: router)
        if let correlation { registerDataPlane(on: router, correlation) }
    }

    // MARK: Shared helpers

    /// `http://host:port` of the request, honouring `X-Forwarded-Proto`.
    static func baseURL(_ request: Request) -> String {
        let scheme = request.headers[HTTPField.Name("X-Forwarded-Proto")!] ?? "http"
        let host = request.head.authority ?? "127.0.0.1:9696"
        return "\(scheme)://\(host)"
    }

    /// `If-Match: revision_number=N`, or nil when absent.
    static func revisionConstraint(_ request: Request) throws(NeutronError) -> Int? {
        try revisionConstraint(request.headers)
    }

    static func revisionConstraint(_ headers: HTTPFields) throws(NeutronError) -> Int? {
        guard let header = headers[.ifMatch] else { return nil }
        let constraints = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0.hasPrefix("revision_number=") }
        guard !constraints.isEmpty else { return nil }
        guard constraints.count == 1, let value = Int(constraints[0].dropFirst("revision_number=".count)) else {
            throw .badRequest(
                resource: "if-match", "Revision number etag must be in the format of revision_number=<int>")
        }
        return value
    }

    /// Pages longer than this are sent in pieces of this many items as they are rendered (chunked),
    /// so that a full list of 100,000 ports never holds its whole body (about 85 MB) in memory.
    static let streamedListChunk = 1024

    /// Renders a list page with its `<collection>_links`.
    static func listResponse<R: Sendable>(
        _ page: [R], query: ListQuery<R>, parameters: QueryParameters, request: Request,
        render: @escaping @Sendable (R, inout JSONWriter) -> Void
    ) -> Response {
        let plural = query.spec.plural
        let links = query.links(page: page, query: parameters, baseURL: baseURL(request) + "/v2.0/" + query.spec.path)
        @Sendable func write(_ items: ArraySlice<R>, into writer: inout JSONWriter) {
            for item in items { render(item, &writer) }
        }
        func begin() -> JSONWriter {
            var writer = JSONWriter(capacity: 256 + min(page.count, streamedListChunk) * 900)
            writer.beginObject()
            writer.key(plural)
            writer.beginArray()
            return writer
        }
        @Sendable func end(_ writer: inout JSONWriter) {
            writer.endArray()
            if let links {
                writer.key(plural + "_links")
                writer.beginArray()
                for link in links {
                    writer.beginObject()
                    writer.key("rel"); writer.string(link.rel)
                    writer.key("href"); writer.string(link.href)
                    writer.endObject()
                }
                writer.endArray()
            }
            writer.endObject()
        }
        guard page.count > streamedListChunk else {
            var writer = begin()
            write(page[...], into: &writer)
            end(&writer)
            return JSONResponse.make(bytes: writer.bytes)
        }
        let first = begin()
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { body in
                var writer = first
                var start = page.startIndex
                while start < page.endIndex {
                    let stop = min(start + streamedListChunk, page.endIndex)
                    write(page[start..<stop], into: &writer)
                    if stop == page.endIndex { end(&writer) }
                    try await body.write(ByteBuffer(bytes: writer.takeBytes()))
                    start = stop
                }
                try await body.finish(nil)
            })
    }
}
