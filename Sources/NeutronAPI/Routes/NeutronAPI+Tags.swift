import Foundation
import HTTPTypes
import Hummingbird
import PortwatchCore
import PortwatchStore

extension NeutronAPI {
    /// The tags sub-resource of ports and networks (`standard-attr-tag`).
    func registerTags(on router: Router<PortwatchRequestContext>) {
        for resource in [ChangeSet.TaggedResource.port, .network] {
            let base = "/v2.0/\(resource.rawValue)/{id}/tags"
            // A HEAD reads as a GET here (the answer's body is dropped by VersionAppMiddleware).
            let list: @Sendable (Request, PortwatchRequestContext) async throws -> Response = { _, context in
                let id = try context.parameters.require("id")
                let access = context.access
                let tags = try repository.read { state throws(NeutronError) in
                    try ChangeSet(base: copy state, now: .now, derivation: .init()).tags(
                        of: resource, id: id, by: access)
                }
                return Self.tagsResponse(tags)
            }
            let show: @Sendable (Request, PortwatchRequestContext) async throws -> Response = { _, context in
                let id = try context.parameters.require("id")
                let tag = try context.parameters.require("tag")
                let access = context.access
                let tags = try repository.read { state throws(NeutronError) in
                    try ChangeSet(base: copy state, now: .now, derivation: .init()).tags(
                        of: resource, id: id, by: access)
                }
                guard tags.contains(tag) else { throw NeutronError.tagNotFound(tag) }
                return JSONResponse.noContent()
            }
            for method in [HTTPRequest.Method.get, .head] {
                router.on(RouterPath(base), method: method, use: list)
                router.on(RouterPath(base + "/{tag}"), method: method, use: show)
            }
            router.put(RouterPath(base)) { request, context in
                let tags = try await Self.tagsBody(request)
                return Self.tagsResponse(try await change(resource, context, .replaceAll(tags)))
            }
            router.post(RouterPath(base)) { request, context in
                let tags = try await Self.tagsBody(request)
                _ = try await change(resource, context, .addAll(tags))
                return Self.tagsResponse(tags)
            }
            router.delete(RouterPath(base)) { _, context in
                _ = try await change(resource, context, .removeAll)
                return JSONResponse.noContent()
            }
            router.put(RouterPath(base + "/{tag}")) { _, context in
                let tag = try context.parameters.require("tag")
                try Self.validate(tag)
                _ = try await change(resource, context, .add(tag))
                // Neutron answers the JSON null of a controller that returns nothing.
                return JSONResponse.make(status: .created, bytes: Array("null".utf8))
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
        let access = context.access
        return try await repository.write { changes in
            try changes.changeTags(of: resource, id: id, change, by: access)
        }
    }

    /// The `{"tags": [...]}` body of PUT/POST, validated as Neutron's tagging extension does.
    static func tagsBody(_ request: Request) async throws -> [String] {
        let body = try await RequestBody.json(request)
        guard let value = body.objectValue?["tags"] else { throw NeutronError.invalidInput("Invalid tags body") }
        guard let list = value.arrayValue else {
            throw NeutronError.invalidInput("'\(value.pythonDescription)' is not a list")
        }
        var tags: [String] = []
        for item in list {
            guard let tag = item.stringValue else {
                throw NeutronError.invalidInput("'\(item.pythonDescription)' is not a valid string")
            }
            try validate(tag)
            tags.append(tag)
        }
        var seen = Set<String>()
        let duplicates = tags.filter { !seen.insert($0).inserted }
        if !duplicates.isEmpty {
            throw NeutronError.invalidInput(
                "Duplicate items in the list: '\(ChangeSet.unique(duplicates).joined(separator: ", "))'")
        }
        return tags
    }

    static func validate(_ tag: String) throws {
        if tag.count > 255 { throw NeutronError.invalidInput("'\(tag)' exceeds maximum length of 255") }
        if tag.isEmpty { throw NeutronError.invalidInput("'' is too short") }
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
