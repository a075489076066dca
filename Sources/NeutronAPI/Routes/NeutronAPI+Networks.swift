import Hummingbird
import PortwatchCore
import PortwatchStore

extension NeutronAPI {
    func registerNetworks(on router: Router<PortwatchRequestContext>) {
        router.get("/v2.0/networks") { request, context in try listNetworks(request, context.access) }
        router.get("/v2.0/networks/{id}") { request, context in
            let id = try context.parameters.require("id")
            // Neutron validates a show's query as a list's (filters, sorting, limit), then uses `fields` only.
            let query = try ListQuery(QueryParameters(request.uri.query), spec: .networks)
            let reading = context.access.networkReading()
            guard let network = repository.network(id), reading.canSee(network) else {
                throw NeutronError.networkNotFound(id)
            }
            return JSONResponse.make(
                bytes: network.envelope(view: reading.view(of: network, fields: query.fields)))
        }
        registerWrites(
            on: router,
            ResourceWrites<Network, NetworkInput>(
                parseCreate: { try NetworkAttributes.create($0, $1) },
                parseUpdate: { try NetworkAttributes.update($0, $1) },
                create: { try $0.createNetworks($1, request: $2, bulk: $3, by: $4) },
                update: { try $0.updateNetwork(id: $1, $2, request: $3, ifMatch: $4, by: $5) },
                delete: { try $0.deleteNetwork(id: $1, ifMatch: $2, by: $3) },
                view: { network, access in access.networkReading().view(of: network) },
                notFound: NeutronError.networkNotFound))
    }

    func listNetworks(_ request: Request, _ access: AccessPolicy) throws -> Response {
        let parameters = QueryParameters(request.uri.query)
        let query = try ListQuery(parameters, spec: .networks)
        let reading = access.networkReading()
        let candidates: [Network] = try repository.read { state throws(NeutronError) in
            var result: [Network] = []
            for network in state.networks.values where reading.canSee(network) {
                if try query.matches(network) { result.append(network) }
            }
            return result
        }
        let (page, markerFound) = query.page(candidates)
        if !markerFound, let marker = query.marker { throw NeutronError.networkNotFound(marker) }
        let uniform = reading.uniformView(fields: query.fields)
        return Self.listResponse(page, query: query, parameters: parameters, request: request) { network, writer in
            network.render(into: &writer, view: uniform ?? reading.view(of: network, fields: query.fields))
        }
    }
}
