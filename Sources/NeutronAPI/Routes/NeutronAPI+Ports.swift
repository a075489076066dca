import HTTPTypes
import Hummingbird
import NIOCore
import PortwatchCore
import PortwatchStore

extension NeutronAPI {
    func registerPorts(on router: Router<PortwatchRequestContext>) {
        router.get("/v2.0/ports") { request, context in try listPorts(request, context.access) }
        router.get("/v2.0/ports/{id}") { request, context in
            let id = try context.parameters.require("id")
            // Neutron validates a show's query as a list's (filters, sorting, limit), then uses `fields` only.
            let query = try ListQuery(QueryParameters(request.uri.query), spec: .ports)
            let reading = context.access.portReading()
            return JSONResponse.make(bytes: try showPort(id, reading, fields: query.fields))
        }
        registerWrites(
            on: router,
            ResourceWrites<PortwatchCore.Port, PortInput>(
                parseCreate: { try PortAttributes.create($0, $1) }, parseUpdate: { try PortAttributes.update($0, $1) },
                create: { try $0.createPorts($1, request: $2, bulk: $3, by: $4) },
                update: { try $0.updatePort(id: $1, $2, request: $3, ifMatch: $4, by: $5) },
                delete: { try $0.deletePort(id: $1, ifMatch: $2, by: $3) },
                view: { port, access in
                    access.portReading().view(of: port, network: repository.network(port.networkID))
                }, notFound: NeutronError.portNotFound))
    }

    /// `PUT /v2.0/ports/{id}` (no query, no format suffix) without the router, for the event loop
    /// that read it. When the caller is known without waiting (``IdentityResolver/resolveImmediately(_:)``)
    /// and the body, its `port` object and `If-Match` parse as the route parses them, the write is
    /// queued at once and `answer` gets the route's answer on `eventLoop` once the write is durable:
    /// the port as the caller sees it (200), or the write's error (a Neutron error body, with its
    /// status). Returns false, having done nothing, for any other request: the route answers it,
    /// with the same errors as ever.
    public func immediatePortUpdate(
        id: String, headers: HTTPFields, body: ByteBuffer, on eventLoop: any EventLoop,
        answer: @escaping @Sendable (_ status: Int, _ body: [UInt8], _ requestID: String) -> Void
    ) -> Bool {
        guard body.readableBytes > 0, let identity = identities.resolveImmediately(headers),
            let json = try? JSONValue.parse(body.readableBytesView)
        else { return false }
        let access = policy.access(for: identity)
        let input: PortInput
        let revision: Int?
        do {
            input = try PortAttributes.update(
                try RequestBody.update(json, singular: PortwatchCore.Port.singular, plural: PortwatchCore.Port.plural),
                access)
            revision = try Self.revisionConstraint(headers)
        } catch {
            return false
        }
        let requestID = identity.requestID
        // The answer is the port as the caller sees it, which is also its `port.update.end`'s payload:
        // rendered once, in the write. The update refuses before it changes anything: no rollback copy.
        repository.writeValidatingFirst({ changes in
            try changes.updatePortRendered(id: id, input, request: json, ifMatch: revision, by: access).envelope
        }) { result in
            eventLoop.execute {
                switch result {
                case .success(let envelope): answer(200, envelope, requestID)
                case .failure(let error as NeutronError): answer(error.status.code, error.bodyBytes, requestID)
                case .failure: answer(500, NeutronMiddleware.internalError.bodyBytes, requestID)
                }
            }
        }
        return true
    }

    /// The answer to `GET /v2.0/ports/{id}` (no query, no format suffix) when it can be given at once,
    /// as the route would give it: the caller known without waiting (``IdentityResolver/resolveImmediately(_:)``)
    /// and the port visible to them. Nil for anything else (a token to validate, an error to answer):
    /// the route answers those. For serving the hottest read from the event loop.
    public func immediatePortShow(id: String, headers: HTTPFields) -> (body: [UInt8], requestID: String)? {
        guard let identity = identities.resolveImmediately(headers),
            let body = try? showPort(id, policy.access(for: identity).portReading(), fields: nil)
        else { return nil }
        return (body, identity.requestID)
    }

    /// `{"port": {...}}` as `reading` lets its caller see port `id` (`fields` of the request, or nil).
    func showPort(_ id: String, _ reading: AccessPolicy.PortReading, fields: Set<String>?) throws
        -> [UInt8]
    {
        let port = try repository.read { state throws(NeutronError) in
            do throws(NeutronError) {
                return try ChangeSet.visiblePort(id, in: state, reading)
            } catch {
                throw error == .resourceNotFound ? .hiddenPortOnShow : error
            }
        }
        let view = reading.view(of: port, network: repository.network(port.networkID), fields: fields)
        return renderedPorts.envelope(of: port, view: view)
    }

    func listPorts(_ request: Request, _ access: AccessPolicy) throws -> Response {
        let parameters = QueryParameters(request.uri.query)
        let query = try ListQuery(parameters, spec: .ports)
        let reading = access.portReading()
        func visible(_ port: PortwatchCore.Port, _ state: borrowing ModelState) -> Bool {
            reading.visibility(of: port, network: state.networks[port.networkID]) == .visible
        }
        let page: [PortwatchCore.Port]
        let markerFound: Bool
        if query.sortsByIDOnly {
            let ids = sortedPortIDs.ids(of: repository)
            (page, markerFound) = try repository.read { state throws(NeutronError) in
                try query.pageInIDOrder(ids, resource: { state.ports[$0] }) { port throws(NeutronError) in
                    guard visible(port, state) else { return false }
                    return try query.matches(port)
                }
            }
        } else {
            let networkFilter = query.filters.first { $0.attribute == "network_id" }?.values
            let candidates: [PortwatchCore.Port] = try repository.read { state throws(NeutronError) in
                var result: [PortwatchCore.Port] = []
                func consider(_ port: PortwatchCore.Port) throws(NeutronError) {
                    if visible(port, state), try query.matches(port) { result.append(port) }
                }
                if let networkFilter {
                    for networkID in Set(networkFilter) {
                        for id in state.portIDsByNetwork[networkID] ?? [] { try consider(state.ports[id]!) }
                    }
                } else {
                    for port in state.ports.values { try consider(port) }
                }
                return result
            }
            (page, markerFound) = query.page(candidates)
        }
        if !markerFound, let marker = query.marker { throw NeutronError.portNotFound(marker) }
        // One view for every port unless an attribute rule depends on the port.
        let uniform = reading.uniformView(fields: query.fields)
        return Self.listResponse(page, query: query, parameters: parameters, request: request) { port, writer in
            let view =
                uniform
                ?? reading.view(of: port, network: repository.network(port.networkID), fields: query.fields)
            renderedPorts.render(port, view: view, into: &writer)
        }
    }
}

extension ChangeSet {
    /// Looks a port up in committed state with the read rules of `reading`.
    static func visiblePort(
        _ id: String, in state: borrowing ModelState, _ reading: AccessPolicy.PortReading
    ) throws(NeutronError) -> PortwatchCore.Port {
        let port = state.ports[id]
        return try reading.visiblePort(port, id: id, network: port.flatMap { state.networks[$0.networkID] })
    }
}
