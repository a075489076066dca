import Hummingbird
import PortwatchCore
import PortwatchStore

/// What differs between the collections' create, update and delete routes: parsing and the change
/// set operation. ``NeutronAPI/registerWrites(on:_:)`` serves the rest the same way for all of them.
struct ResourceWrites<Resource: RenderableResource, Input: Sendable>: Sendable {
    let parseCreate: @Sendable ([String: JSONValue]) throws -> Input
    let parseUpdate: @Sendable ([String: JSONValue]) throws -> Input
    let create: @Sendable (inout ChangeSet, [Input], JSONValue, Bool, Identity) throws -> [Resource]
    let update: @Sendable (inout ChangeSet, String, Input, JSONValue, Int?, Identity) throws -> Resource
    let delete: @Sendable (inout ChangeSet, String, Int?, Identity) throws -> Void
    /// Whether the caller sees the admin-only attributes of the resource.
    let privileged: @Sendable (Identity) -> Bool
}

extension NeutronAPI {
    /// `POST /v2.0/<plural>` (single and atomic bulk), `PUT` and `DELETE /v2.0/<plural>/{id}` with
    /// `If-Match: revision_number=N`.
    func registerWrites<Resource, Input>(
        on router: Router<PortwatchRequestContext>, _ writes: ResourceWrites<Resource, Input>
    ) {
        let collection = "/v2.0/\(Resource.plural)"
        router.post(RouterPath(collection)) { request, context in
            let body = try await RequestBody.json(request)
            let (items, bulk) = try RequestBody.resources(body, singular: Resource.singular, plural: Resource.plural)
            let inputs = try items.map(writes.parseCreate)
            let identity = context.identity
            let created = try await repository.write { changes in
                try writes.create(&changes, inputs, body, bulk, identity)
            }
            let view = ResourceView(privileged: writes.privileged(identity))
            return JSONResponse.make(
                status: .created,
                bytes: bulk ? Resource.collection(created, view: view) : created[0].envelope(view: view))
        }
        router.put(RouterPath(collection + "/{id}")) { request, context in
            let id = try context.parameters.require("id")
            let body = try await RequestBody.json(request)
            let input = try writes.parseUpdate(try RequestBody.resource(body, singular: Resource.singular))
            let revision = try Self.revisionConstraint(request)
            let identity = context.identity
            let updated = try await repository.write { changes in
                try writes.update(&changes, id, input, body, revision, identity)
            }
            return JSONResponse.make(
                bytes: updated.envelope(view: ResourceView(privileged: writes.privileged(identity))))
        }
        router.delete(RouterPath(collection + "/{id}")) { request, context in
            let id = try context.parameters.require("id")
            let revision = try Self.revisionConstraint(request)
            let identity = context.identity
            try await repository.write { changes in try writes.delete(&changes, id, revision, identity) }
            return JSONResponse.noContent()
        }
    }
}
