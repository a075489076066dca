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
        let resources: @Sendable (Request, PortwatchRequestContext) async throws -> Response = { request, _ in
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
        router.get("/v2.0/extensions/{alias}") { _, context in
            let alias = try context.parameters.require("alias")
            guard let entry = allExtensions.first(where: { $0.alias == alias }) else {
                throw NeutronError(
                    status: 404, type: "HTTPNotFound", message: "Extension with alias \(alias) does not exist")
            }
            var writer = JSONWriter()
            writer.beginObject()
            writer.key("extension")
            Self.render(entry, into: &writer)
            writer.endObject()
            return JSONResponse.make(bytes: writer.bytes)
        }
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
