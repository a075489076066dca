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
            let view = ResourceView(privileged: AccessPolicy.showsProviderAttributes(context.identity), fields: Self.fields(request))
            return JSONResponse.make(bytes: network.envelope(view: view))
        }
        router.post("/v2.0/networks") { request, context in
            let body = try await RequestBody.json(request)
            let (items, bulk) = try RequestBody.resources(body, singular: "network", plural: "networks")
            let inputs = try items.map { item throws(NeutronError) in try NetworkAttributes.create(item) }
            let identity = context.identity
            let networks = try await repository.write { changes in
                try changes.createNetworks(inputs, request: body, bulk: bulk, by: identity)
            }
            let view = ResourceView(privileged: AccessPolicy.showsProviderAttributes(identity))
            return JSONResponse.make(
                status: .created, bytes: bulk ? Network.collection(networks, view: view) : networks[0].envelope(view: view))
        }
        router.put("/v2.0/networks/{id}") { request, context in
            let id = try context.parameters.require("id")
            let body = try await RequestBody.json(request)
            let input = try NetworkAttributes.update(try RequestBody.resource(body, singular: "network"))
            let revision = try Self.revisionConstraint(request)
            let identity = context.identity
            let network = try await repository.write { changes in
                try changes.updateNetwork(id: id, input, request: body, ifMatch: revision, by: identity)
            }
            let view = ResourceView(privileged: AccessPolicy.showsProviderAttributes(identity))
            return JSONResponse.make(bytes: network.envelope(view: view))
        }
        router.delete("/v2.0/networks/{id}") { request, context in
            let id = try context.parameters.require("id")
            let revision = try Self.revisionConstraint(request)
            let identity = context.identity
            try await repository.write { changes in try changes.deleteNetwork(id: id, ifMatch: revision, by: identity) }
            return JSONResponse.noContent()
        }
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
