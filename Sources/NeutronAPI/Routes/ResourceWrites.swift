import HTTPTypes
import Hummingbird
import PortwatchCore
import PortwatchStore

/// What differs between the collections' create, update and delete routes: parsing, the change
/// set operation and what the caller sees of the result. ``NeutronAPI/registerWrites(on:_:)`` serves
/// the rest the same way for all of them.
struct ResourceWrites<Resource: RenderableResource, Input: Sendable>: Sendable {
    /// Parses one object of a create or update body for the caller, who may name a project
    /// (`project_id`) only as ``AccessPolicy/checkProjectPrivileges(_:)`` allows.
    let parseCreate: @Sendable ([String: JSONValue], AccessPolicy) throws -> Input
    let parseUpdate: @Sendable ([String: JSONValue], AccessPolicy) throws -> Input
    let create: @Sendable (inout ChangeSet, [Input], JSONValue, Bool, AccessPolicy) throws -> [Resource]
    let update: @Sendable (inout ChangeSet, String, Input, JSONValue, Int?, AccessPolicy) throws -> Resource
    let delete: @Sendable (inout ChangeSet, String, Int?, AccessPolicy) throws -> Void
    /// The caller's view of a resource written: the attributes its `get_*` rules let through.
    let view: @Sendable (Resource, AccessPolicy) -> ResourceView
    /// The resource's NotFound (`PortNotFound`), which Neutron also answers to a PUT or DELETE on
    /// the collection, with the id `None`.
    let notFound: @Sendable (String) -> NeutronError
    /// Whether an empty body is "Resource body required" (Neutron's extension resources, such as
    /// security groups) rather than an empty object (its core networks and ports).
    var bodyRequired = false

    func body(_ request: Request) async throws -> JSONValue {
        bodyRequired ? try await RequestBody.json(request) : try await RequestBody.resourceJSON(request)
    }
}

extension NeutronAPI {
    /// `POST /v2.0/<plural>` (single and atomic bulk), `PUT` and `DELETE /v2.0/<plural>/{id}` with
    /// `If-Match: revision_number=N`, and Neutron's answers to the methods these paths do not serve.
    func registerWrites<Resource, Input>(
        on router: Router<PortwatchRequestContext>, _ writes: ResourceWrites<Resource, Input>
    ) {
        let collection = "/v2.0/\(Resource.path)"
        router.post(RouterPath(collection)) { request, context in
            let body = try await writes.body(request)
            let access = context.access
            let (inputs, bulk) = try Self.parseCreate(body, writes, access)
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
            let body = try await writes.body(request)
            let access = context.access
            let input = try writes.parseUpdate(
                try RequestBody.update(body, singular: Resource.singular, plural: Resource.plural), access)
            let revision = try Self.revisionConstraint(request)
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
        // A PUT or DELETE without an id looks the resource `None` up.
        for method in [HTTPRequest.Method.put, .delete] {
            router.on(RouterPath(collection), method: method) { _, _ -> Response in
                throw writes.notFound("None")
            }
        }
        // Neutron routes a POST on an item to the create, so a create body that would fail is that
        // 400; any other body is 405.
        router.post(RouterPath(collection + "/{id}")) { request, context -> Response in
            let body = try await RequestBody.resourceJSON(request)
            if let object = body.objectValue, object[Resource.singular] != nil || object[Resource.plural] != nil {
                _ = try Self.parseCreate(body, writes, context.access)
            } else if body.objectValue == nil {
                throw RequestBody.invalidBody
            }
            throw NeutronError.methodNotAllowed
        }
        Self.refuse([.patch, .head], on: collection, router)
        Self.refuse([.patch, .head], on: collection + "/{id}", router)
    }

    /// The inputs of a create body, each entry checked and parsed before the next one.
    static func parseCreate<Resource, Input>(
        _ body: JSONValue, _ writes: ResourceWrites<Resource, Input>, _ access: AccessPolicy
    ) throws -> (items: [Input], bulk: Bool) {
        let (items, bulk) = try RequestBody.resources(body, singular: Resource.singular, plural: Resource.plural)
        return (
            try items.map { try writes.parseCreate(try RequestBody.item($0, singular: Resource.singular), access) },
            bulk
        )
    }
}
