import Hummingbird
import PortwatchCore
import PortwatchStore

extension NeutronAPI {
    func registerNetworks(on router: Router<PortwatchRequestContext>) {
        router.get("/v2.0/networks") { request, context in try listNetworks(request, context.identity) }
        router.get("/v2.0/networks/{id}") { request, context in
            let id = try context.parameters.require("id")
            guard let network = repository.network(id), AccessPolicy.canSee(network, context.identity) else {
                throw NeutronError.networkNotFound(id)
            }
            let view = ResourceView(
                privileged: AccessPolicy.showsProviderAttributes(context.identity), fields: Self.fields(request))
            return JSONResponse.make(bytes: network.envelope(view: view))
        }
        registerWrites(
            on: router,
            ResourceWrites<Network, NetworkInput>(
                parseCreate: { try NetworkAttributes.create($0) }, parseUpdate: { try NetworkAttributes.update($0) },
                create: { try $0.createNetworks($1, request: $2, bulk: $3, by: $4) },
                update: { try $0.updateNetwork(id: $1, $2, request: $3, ifMatch: $4, by: $5) },
                delete: { try $0.deleteNetwork(id: $1, ifMatch: $2, by: $3) },
                privileged: AccessPolicy.showsProviderAttributes))
    }

    func listNetworks(_ request: Request, _ identity: Identity) throws -> Response {
        let parameters = QueryParameters(request.uri.query)
        let query = try ListQuery(parameters, spec: .networks)
        let candidates: [Network] = try repository.read { state throws(NeutronError) in
            var result: [Network] = []
            for network in state.networks.values where AccessPolicy.canSee(network, identity) {
                if try query.matches(network) { result.append(network) }
            }
            return result
        }
        let (page, markerFound) = query.page(candidates)
        if !markerFound, let marker = query.marker { throw NeutronError.networkNotFound(marker) }
        let view = ResourceView(privileged: AccessPolicy.showsProviderAttributes(identity), fields: query.fields)
        return Self.listResponse(page, query: query, parameters: parameters, request: request) { network, writer in
            network.render(into: &writer, view: view)
        }
    }
}
