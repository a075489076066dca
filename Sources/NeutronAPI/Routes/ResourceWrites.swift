import Hummingbird
import PortwatchCore
import PortwatchStore

/// What differs between the collections' create, update and delete routes: parsing, the change
/// set operation and what the caller sees of the result. ``NeutronAPI/registerWrites(on:_:)`` serves
/// the rest the same way for all of them.
struct ResourceWrites<Resource: RenderableResource, Input: Sendable>: Sendable {
    let parseCreate: @Sendable ([String: JSONValue]) throws -> Input
    let parseUpdate: @Sendable ([String: JSONValue]) throws -> Input
    let create: @Sendable (inout ChangeSet, [Input], JSONValue, Bool, AccessPolicy) throws -> [Resource]
    let update: @Sendable (inout ChangeSet, String, Input, JSONValue, Int?, AccessPolicy) throws -> Resource
    let delete: @Sendable (inout ChangeSet, String, Int?, AccessPolicy) throws -> Void
    /// The caller's view of a resource written: the attributes its `get_*` rules let through.
    let view: @Sendable (Resource, AccessPolicy) -> ResourceView
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
            let access = context.access
            let created = try await repository.write { changes in
                try writes.create(&changes, inputs, body, bulk, access)
            }
            let bytes =
                bulk
                ? Resource.collection(created) { writes.view($0, access) }
                : created[0].envelope(view: writes.view(created[0], access))
            return JSONResponse.make(status: .created, bytes: bytes)
        }
        router.put(RouterPath(collection + "/{id}")) { request, context in
            let id = try context.parameters.require("id")
            let body = try await RequestBody.json(request)
            let input = try writes.parseUpdate(try RequestBody.resource(body, singular: Resource.singular))
            let revision = try Self.revisionConstraint(request)
            let access = context.access
            let updated = try await repository.write { changes in
                try writes.update(&changes, id, input, body, revision, access)
            }
            return JSONResponse.make(bytes: updated.envelope(view: writes.view(updated, access)))
        }
        router.delete(RouterPath(collection + "/{id}")) { request, context in
            let id = try context.parameters.require("id")
            let revision = try Self.revisionConstraint(request)
            let access = context.access
            try await repository.write { changes in try writes.delete(&changes, id, revision, access) }
            return JSONResponse.noContent()
        }
    }
}
