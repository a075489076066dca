import Foundation
import Hummingbird
import PortwatchCore
import PortwatchStore

extension NeutronAPI {
    /// The tags sub-resource of ports and networks (`standard-attr-tag`).
    func registerTags(on router: Router<PortwatchRequestContext>) {
        for resource in [ChangeSet.TaggedResource.port, .network] {
            let base = "/v2.0/\(resource.rawValue)/{id}/tags"
            router.get(RouterPath(base)) { _, context in
                let id = try context.parameters.require("id")
                let tags = try repository.read { state throws(NeutronError) in
                    try ChangeSet(base: copy state, now: .now, derivation: .init()).tags(of: resource, id: id, by: context.identity)
                }
                return Self.tagsResponse(tags)
            }
            router.get(RouterPath(base + "/{tag}")) { _, context in
                let id = try context.parameters.require("id")
                let tag = try context.parameters.require("tag")
                let tags = try repository.read { state throws(NeutronError) in
                    try ChangeSet(base: copy state, now: .now, derivation: .init()).tags(of: resource, id: id, by: context.identity)
                }
                guard tags.contains(tag) else { throw NeutronError.tagNotFound(tag) }
                return JSONResponse.noContent()
            }
            router.put(RouterPath(base)) { request, context in
                let tags = try await Self.tagsBody(request)
                return Self.tagsResponse(try await change(resource, context, .replaceAll(tags)))
            }
            router.post(RouterPath(base)) { request, context in
                let tags = try await Self.tagsBody(request)
                return Self.tagsResponse(try await change(resource, context, .addAll(tags)), status: .created)
            }
            router.delete(RouterPath(base)) { _, context in
                _ = try await change(resource, context, .removeAll)
                return JSONResponse.noContent()
            }
            router.put(RouterPath(base + "/{tag}")) { _, context in
                let tag = try context.parameters.require("tag")
                try Self.validate(tag)
                _ = try await change(resource, context, .add(tag))
                return JSONResponse.noContent(.created)
            }
            router.delete(RouterPath(base + "/{tag}")) { _, context in
                let tag = try context.parameters.require("tag")
                _ = try await change(resource, context, .remove(tag))
                return JSONResponse.noContent()
            }
        }
    }

    private func change(
        _ resource: ChangeSet.TaggedResource, _ context: PortwatchRequestContext, _ change: ChangeSet.TagChange
    ) async throws -> [String] {
        let id = try context.parameters.require("id")
        let identity = context.identity
        return try await repository.write { changes in try changes.changeTags(of: resource, id: id, change, by: identity) }
    }

    static func tagsBody(_ request: Request) async throws -> [String] {
        let body = try await RequestBody.json(request)
        guard let list = body.objectValue?["tags"]?.arrayValue else {
            throw NeutronError.badRequest("Invalid input for tags. Reason: 'tags' is required.")
        }
        var tags: [String] = []
        for item in list {
            guard let tag = item.stringValue else {
                throw NeutronError.badRequest("Invalid input for tags. Reason: '\(item.pythonDescription)' is not a valid string.")
            }
            try validate(tag)
            tags.append(tag)
        }
        if tags.count > 50 { throw NeutronError.badRequest("Number of tags exceeds the maximum of 50") }
        return tags
    }

    static func validate(_ tag: String) throws {
        if tag.isEmpty || tag.count > 255 {
            throw NeutronError.badRequest("Invalid input for tags. Reason: '\(tag)' exceeds maximum length of 255.")
        }
    }

    static func tagsResponse(_ tags: [String], status: HTTPResponse.Status = .ok) -> Response {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("tags")
        writer.strings(tags)
        writer.endObject()
        return JSONResponse.make(status: status, bytes: writer.bytes)
    }
}
