import HTTPTypes
import Hummingbird
import PortwatchCore

extension NeutronAPI {
    func registerDiscovery(on router: Router<PortwatchRequestContext>) {
        router.get("/") { request, _ in
            var writer = JSONWriter()
            writer.beginObject()
            writer.key("versions")
            writer.beginArray()
            writer.beginObject()
            writer.key("id"); writer.string("v2.0")
            writer.key("status"); writer.string("CURRENT")
            writer.key("links")
            writer.beginArray()
            writer.beginObject()
            writer.key("rel"); writer.string("self")
            writer.key("href"); writer.string(Self.baseURL(request) + "/v2.0/")
            writer.endObject()
            writer.endArray()
            writer.endObject()
            writer.endArray()
            writer.endObject()
            return JSONResponse.make(bytes: writer.bytes)
        }
        // Neutron lists the resources at `/v2.0/` only; `/v2.0` without the slash is its 404.
        let resources: @Sendable (Request, PortwatchRequestContext) async throws -> Response = { request, _ in
            guard request.uri.path.hasSuffix("/") else { throw NeutronError.resourceNotFound }
            var writer = JSONWriter()
            writer.beginObject()
            writer.key("resources")
            writer.beginArray()
            for (name, collection) in [("network", "networks"), ("port", "ports")] {
                writer.beginObject()
                writer.key("name"); writer.string(name)
                writer.key("collection"); writer.string(collection)
                writer.key("links")
                writer.beginArray()
                writer.beginObject()
                writer.key("rel"); writer.string("self")
                writer.key("href"); writer.string(Self.baseURL(request) + "/v2.0/" + collection)
                writer.endObject()
                writer.endArray()
                writer.endObject()
            }
            writer.endArray()
            writer.endObject()
            return JSONResponse.make(bytes: writer.bytes)
        }
        router.get("/v2.0", use: resources)
        Self.refuse([.post, .put, .delete, .patch, .head], on: "/v2.0", router)
        router.get("/v2.0/extensions") { _, _ in
            var writer = JSONWriter(capacity: 8192)
            writer.beginObject()
            writer.key("extensions")
            writer.beginArray()
            for entry in allExtensions { Self.render(entry, into: &writer) }
            writer.endArray()
            writer.endObject()
            return JSONResponse.make(bytes: writer.bytes)
        }
        router.get("/v2.0/extensions/{alias}") { request, context in
            let alias = try context.parameters.require("alias")
            guard let entry = allExtensions.first(where: { $0.alias == alias }) else {
                return WebobError(kind: .notFound(detail: "Extension with alias \(alias) does not exist"))
                    .response(to: request)
            }
            var writer = JSONWriter()
            writer.beginObject()
            writer.key("extension")
            Self.render(entry, into: &writer)
            writer.endObject()
            return JSONResponse.make(bytes: writer.bytes)
        }
        registerExtensionMethodErrors(on: router)
    }

    /// The extensions controller serves GET only; Neutron answers the other methods 404, some in
    /// its own shape and some in webob's (as it answers an unknown alias). (`PUT /v2.0/extensions/{alias}` is a 500 upstream, a bug
    /// not copied: it gets the 404 of its neighbours.)
    func registerExtensionMethodErrors(on router: Router<PortwatchRequestContext>) {
        let notFound: @Sendable (Request, PortwatchRequestContext) async throws -> Response = { _, _ in
            throw NeutronError.resourceNotFound
        }
        let webobNotFound: @Sendable (Request, PortwatchRequestContext) async throws -> Response = { request, _ in
            WebobError(kind: .notFound(detail: "Resource not found.")).response(to: request)
        }
        for method in [HTTPRequest.Method.put, .delete, .patch, .head] {
            router.on("/v2.0/extensions", method: method, use: notFound)
        }
        router.post("/v2.0/extensions", use: webobNotFound)
        for method in [HTTPRequest.Method.put, .post, .patch, .head] {
            router.on("/v2.0/extensions/{alias}", method: method, use: notFound)
        }
        router.delete("/v2.0/extensions/{alias}", use: webobNotFound)
    }

    var allExtensions: [ExtensionCatalog.Entry] {
        ExtensionCatalog.entries + (correlation == nil ? [] : [Self.dataPlaneExtension, Self.eventSourcesExtension])
            + extraExtensions.map {
                .init(name: $0.name, alias: $0.alias, description: $0.description, updated: $0.updated)
            }
    }

    static func render(_ entry: ExtensionCatalog.Entry, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("name"); writer.string(entry.name)
        writer.key("alias"); writer.string(entry.alias)
        writer.key("description"); writer.string(entry.description)
        writer.key("updated"); writer.string(entry.updated)
        writer.key("links"); writer.beginArray(); writer.endArray()
        writer.endObject()
    }
}
