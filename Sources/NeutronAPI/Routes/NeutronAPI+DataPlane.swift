import FaultCorrelation
import Foundation
import Hummingbird
import PortwatchCore
import PortwatchStore
import Yams

/// Portwatch's data-plane extension: the physical topology, fault events, maintenance, active faults
/// and each port's data-plane assessment and history.
extension NeutronAPI {
    /// The catalog entry of the extension.
    static let dataPlaneExtension = ExtensionCatalog.Entry(
        name: "Portwatch data plane fault correlation", alias: "portwatch-data-plane",
        description: "Physical topology, data-plane fault events and per-port data-plane assessment and history",
        updated: "2026-11-25T00:00:00-00:00")

    func registerDataPlane(on router: Router<PortwatchRequestContext>, _ correlation: CorrelationService) {
        router.post("/v2.0/data-plane-events") { request, context in
            let identity = context.identity
            try context.access.authorizeIngestion("create_data_plane_event", from: EventSourceEndpoints.native)
            let body = try await RequestBody.json(request, limit: RequestBody.eventLimit)
            let events = try DataPlaneEventParser.events(
                body, defaultSource: "api:\(identity.userID ?? "admin")", now: Date())
            // `?unknown=ignore` (what `portwatch agent` sends): events on resources Portwatch does
            // not know are listed as ignored instead of refusing the whole body with 404.
            let unknownPolicy = QueryParameters(request.uri.query).first("unknown") ?? "reject"
            guard unknownPolicy == "reject" || unknownPolicy == "ignore" else {
                throw NeutronError.badRequest("Invalid value '\(unknownPolicy)' for unknown: use reject or ignore")
            }
            var submission: CorrelationService.Submission
            do {
                if unknownPolicy == "ignore" {
                    submission = try await correlation.submitKnown(events)
                } else {
                    submission = try await correlation.submit(events)
                }
            } catch CorrelationServiceError.unknownResources(let resources) {
                throw Self.resourcesNotFound(resources)
            }
            return try Self.json(EventsResponse(submission))
        }
        router.get("/v2.0/data-plane-faults") { _, context in
            try context.access.authorize("get_data_plane_faults")
            let faults = correlation.activeFaults
            let maintenance = correlation.maintenanceWindows
            return try Self.json(
                ["faults": faults.map(FaultView.init)], extra: ["maintenance": maintenance.map(MaintenanceView.init)])
        }
        router.get("/v2.0/ports/{id}/data-plane") { _, context in
            let id = try context.parameters.require("id")
            let reading = context.access.portReading(rule: "get_port_data_plane")
            let port = try repository.read { state throws(NeutronError) in
                try ChangeSet.visiblePort(id, in: state, reading)
            }
            let path = correlation.pathAssessment(portID: id)
            return try Self.json([
                "data_plane": AssessmentView(
                    port: port, assessment: path?.assessment, faulty: path?.faulty ?? [],
                    suppressed: path?.suppressed ?? [])
            ])
        }
        router.get("/v2.0/ports/{id}/data-plane-history") { request, context in
            let id = try context.parameters.require("id")
            let reading = context.access.portReading(rule: "get_port_data_plane_history")
            _ = try repository.read { state throws(NeutronError) in
                try ChangeSet.visiblePort(id, in: state, reading)
            }
            let limit = Int(QueryParameters(request.uri.query).first("limit") ?? "") ?? 100
            let entries = try await repository.backend.auditEntries(subject: id, limit: max(1, min(limit, 10_000)))
            var writer = JSONWriter()
            writer.beginObject()
            writer.key("history")
            writer.beginArray()
            for entry in entries { writer.raw(entry.body) }
            writer.endArray()
            writer.endObject()
            return JSONResponse.make(bytes: writer.bytes)
        }
        registerTopology(on: router, correlation)
        registerWhatIf(on: router, correlation)
        registerEventSources(on: router, correlation)
    }

    func registerTopology(on router: Router<PortwatchRequestContext>, _ correlation: CorrelationService) {
        // Cabling learned by the hosts' agents from LLDP (docs/topology.md, "Learned links").
        router.put("/v2.0/topology/learned-links/{host}") { request, context in
            let host = try context.parameters.require("host")
            try context.access.authorizeIngestion("update_topology", from: EventSourceEndpoints.native)
            let body = try await RequestBody.json(request, limit: RequestBody.resourceLimit)
            let links = try Self.learnedLinks(body)
            let (reports, changes) = try await correlation.reportLearnedLinks(host: host, links)
            return try Self.json(["learned_links": reports.map(LearnedLinkView.init)], extra: ["changed_ports": changes.count])
        }
        router.get("/v2.0/topology/learned-links") { _, context in
            try context.access.authorize("get_topology")
            return try Self.json(["learned_links": correlation.learnedLinkReports.map(LearnedLinkView.init)])
        }
        router.get("/v2.0/topology") { _, context in
            try context.access.authorize("get_topology")
            return try Self.json(["topology": correlation.topologyDocument])
        }
        router.put("/v2.0/topology") { request, context in
            try context.access.authorize("update_topology")
            let document = try await Self.topologyDocument(request)
            let changes = try await Self.replace(correlation, with: document)
            return try Self.json(["topology": document], extra: ["changed_ports": changes])
        }
        router.get("/v2.0/topology/maintenance") { _, context in
            try context.access.authorize("get_topology")
            return try Self.json(["maintenance": correlation.maintenanceWindows.map(MaintenanceView.init)])
        }
        router.put("/v2.0/topology/maintenance") { request, context in
            let identity = context.identity
            try context.access.authorize("update_maintenance")
            let body = try await RequestBody.json(request, limit: RequestBody.smallLimit)
            let fields = try RequestBody.resource(body, singular: "maintenance")
            let change = try DataPlaneEventParser.maintenance(fields)
            let resource = change.resource
            let result: CorrelationResult
            do {
                result = try await correlation.setMaintenance(
                    resource, active: change.active,
                    source: try AttributeReader(object: fields).string("source") ?? "api:\(identity.userID ?? "admin")")
            } catch let error as CorrelationError {
                if correlation.knows(resource) { throw NeutronError.badRequest("\(error)") }
                throw Self.resourcesNotFound([resource])
            }
            return try Self.json(
                ["maintenance": correlation.maintenanceWindows.map(MaintenanceView.init)],
                extra: ["changed_ports": result.changes.count])
        }
        registerTopologyCollection(
            on: router, correlation, plural: "switches", singular: "switch",
            list: \.switches, id: \.id,
            remove: { document, id in
                document.switches.removeAll { $0.id == id }
                document.links.removeAll { $0.a.switchID == id || $0.b.switchID == id }
            }, add: { document, item in document.switches.append(item) })
        registerTopologyCollection(
            on: router, correlation, plural: "hosts", singular: "host",
            list: \.hosts, id: \.id,
            remove: { document, id in
                document.hosts.removeAll { $0.id == id }
                document.links.removeAll { $0.a.hostID == id || $0.b.hostID == id }
            }, add: { document, item in document.hosts.append(item) })
        registerTopologyCollection(
            on: router, correlation, plural: "links", singular: "link",
            list: \.links, id: { Topology.effectiveID(of: $0) },
            remove: { document, id in
                document.links.removeAll { Topology.effectiveID(of: $0) == id }
            }, add: { document, item in document.links.append(item) })
    }

    /// list / show / create / delete of one part of the topology document; every write replaces the
    /// topology as a whole, so the engine re-evaluates the ports it concerns.
    func registerTopologyCollection<Item: Codable & Sendable>(
        on router: Router<PortwatchRequestContext>, _ correlation: CorrelationService, plural: String, singular: String,
        list: any KeyPath<TopologyDocument, [Item]> & Sendable, id: @escaping @Sendable (Item) -> String,
        remove: @escaping @Sendable (inout TopologyDocument, String) -> Void,
        add: @escaping @Sendable (inout TopologyDocument, Item) -> Void
    ) {
        let base = "/v2.0/topology/\(plural)"
        router.get(RouterPath(base)) { _, context in
            try context.access.authorize("get_topology")
            return try Self.json([plural: correlation.topologyDocument[keyPath: list]])
        }
        router.get(RouterPath(base + "/{id}")) { _, context in
            try context.access.authorize("get_topology")
            let wanted = try context.parameters.require("id")
            guard let item = correlation.topologyDocument[keyPath: list].first(where: { id($0) == wanted }) else {
                throw Self.topologyItemNotFound(singular, wanted)
            }
            return try Self.json([singular: item])
        }
        router.post(RouterPath(base)) { request, context in
            try context.access.authorize("update_topology")
            let body = try await RequestBody.json(request, limit: RequestBody.topologyLimit)
            let fields = try RequestBody.resource(body, singular: singular)
            let item: Item
            do {
                item = try JSONDecoder().decode(Item.self, from: JSONEncoder().encode(JSONValue.object(fields)))
            } catch {
                throw NeutronError.badRequest("Invalid \(singular): \(Self.describe(error))")
            }
            let changes = try await Self.update(correlation) { document in
                if document[keyPath: list].contains(where: { id($0) == id(item) }) {
                    throw NeutronError(
                        status: 409, type: "PhysicalResourceExists",
                        message: "The \(singular) \(id(item)) already exists.")
                }
                add(&document, item)
            }
            return try Self.json([singular: item], extra: ["changed_ports": changes], status: .created)
        }
        router.delete(RouterPath(base + "/{id}")) { _, context in
            try context.access.authorize("update_topology")
            let wanted = try context.parameters.require("id")
            _ = try await Self.update(correlation) { document in
                guard document[keyPath: list].contains(where: { id($0) == wanted }) else {
                    throw Self.topologyItemNotFound(singular, wanted)
                }
                remove(&document, wanted)
            }
            return JSONResponse.noContent()
        }
    }

    // MARK: Helpers

    static func replace(_ correlation: CorrelationService, with document: TopologyDocument) async throws -> Int {
        try await update(correlation) { $0 = document }
    }

    /// Edits the topology in one step of the writer; returns the number of ports whose state changed.
    static func update(
        _ correlation: CorrelationService, _ edit: @escaping @Sendable (inout TopologyDocument) throws -> Void
    ) async throws -> Int {
        do {
            return try await correlation.updateTopology(edit).changes.count
        } catch let error as TopologyValidationError {
            throw NeutronError(status: 400, type: "InvalidTopology", message: "Invalid topology: \(error.message)")
        }
    }

    /// The request's topology document: JSON (`{"topology": {...}}` or the bare document) or YAML.
    static func topologyDocument(_ request: Request) async throws -> TopologyDocument {
        let buffer = try await RequestBody.bytes(request, limit: RequestBody.topologyLimit)
        let text = String(buffer: buffer)
        let contentType = request.headers[.contentType] ?? ""
        do {
            if contentType.contains("yaml") {
                // The YAML parser and decoder recurse per level: bound flow and block nesting first.
                guard !JSONValue.exceedsNestingDepth(buffer.readableBytesView, limit: JSONValue.maxNestingDepth),
                    !text.split(separator: "\n").contains(where: { $0.prefix { $0 == " " }.count > 256 })
                else { throw JSONValue.NestingTooDeep() }
                return try YAMLDecoder().decode(TopologyDocument.self, from: text)
            }
            let value = try JSONValue.parse(Array(text.utf8))
            let document = value.objectValue?["topology"] ?? value
            return try JSONDecoder().decode(TopologyDocument.self, from: JSONEncoder().encode(document))
        } catch {
            throw NeutronError.badRequest("Invalid topology document: \(describe(error))")
        }
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case is JSONValue.NestingTooDeep:
            return "nested deeper than \(JSONValue.maxNestingDepth) levels"
        case DecodingError.keyNotFound(let key, let context):
            return "missing '\(key.stringValue)' at \(path(context))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
            DecodingError.dataCorrupted(let context):
            return "\(context.debugDescription) at \(path(context))"
        default:
            return "\(error)"
        }
    }

    static func path(_ context: DecodingError.Context) -> String {
        context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }

    static func resourcesNotFound(_ resources: [PhysicalResourceRef]) -> NeutronError {
        NeutronError(
            status: 404, type: "PhysicalResourceNotFound",
            message:
                "Physical resource(s) \(resources.map(\.description).joined(separator: ", ")) could not be found in the topology."
        )
    }

    static func topologyItemNotFound(_ singular: String, _ id: String) -> NeutronError {
        NeutronError(
            status: 404, type: "PhysicalResourceNotFound", message: "The \(singular) \(id) could not be found.")
    }

    /// Encodes `{key: value}` plus scalar extras with ISO 8601 dates.
    static func json<T: Encodable>(
        _ object: [String: T], extra: [String: any Encodable & Sendable] = [:], status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        var writer = JSONWriter()
        writer.beginObject()
        for (key, value) in object {
            writer.key(key)
            writer.raw([UInt8](try encoder.encode(value)))
        }
        for key in extra.keys.sorted() {
            writer.key(key)
            writer.raw([UInt8](try encoder.encode(extra[key]!)))
        }
        writer.endObject()
        return JSONResponse.make(status: status, bytes: writer.bytes)
    }

    /// The links of `{"learned_links": [{"nic", "switch", "port", "chassis_id"?, "port_description"?}]}`.
    static func learnedLinks(_ body: JSONValue) throws(NeutronError) -> [LearnedLink] {
        guard let items = body.objectValue?["learned_links"]?.arrayValue else {
            throw .badRequest("Unable to find 'learned_links' in request body")
        }
        guard items.count <= 4096 else { throw .badRequest("At most 4096 learned links per host") }
        let now = Date()
        return try items.enumerated().map { (index, item) throws(NeutronError) -> LearnedLink in
            guard let fields = item.objectValue else { throw .badRequest("learned_links[\(index)] is not an object") }
            func text(_ key: String, required: Bool) throws(NeutronError) -> String? {
                guard let value = fields[key], value != .null else {
                    if required { throw .badRequest("learned_links[\(index)] needs '\(key)'") }
                    return nil
                }
                guard let string = value.stringValue, !string.isEmpty, string.count <= 255 else {
                    throw .badRequest("learned_links[\(index)].\(key) must be a non-empty string of at most 255 characters")
                }
                return string
            }
            return LearnedLink(
                nic: try text("nic", required: true)!, switchName: try text("switch", required: true)!,
                chassisID: try text("chassis_id", required: false), port: try text("port", required: true)!,
                portDescription: try text("port_description", required: false), firstSeen: now, lastSeen: now)
        }
    }

    static func json<T: Encodable>(_ value: T) throws -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return JSONResponse.make(bytes: [UInt8](try encoder.encode(value)))
    }
}

extension LinkEndpoint {
    var switchID: String? {
        if case .switchPort(let id, _) = self { return id }
        return nil
    }

    var hostID: String? {
        if case .hostNIC(let id, _) = self { return id }
        return nil
    }
}
