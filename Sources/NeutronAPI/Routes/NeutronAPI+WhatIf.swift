import FaultCorrelation
import Foundation
import Hummingbird
import PortwatchCore
import PortwatchStore

/// `POST /v2.0/data-plane-what-if` (the ports hypothetical events and maintenance would change) and
/// `GET /v2.0/data-plane-blast-radius` (the ports a resource, or the active faults, reach). Both answer
/// with an ``ImpactView`` of the ports the caller may read.
extension NeutronAPI {
    func registerWhatIf(on router: Router<PortwatchRequestContext>, _ correlation: CorrelationService) {
        router.post("/v2.0/data-plane-what-if") { request, context in
            try context.access.authorize("create_data_plane_what_if")
            let body = try await RequestBody.json(request, limit: RequestBody.eventLimit)
            let scenario = try Self.whatIfScenario(body, defaultSource: "what-if", now: Date())
            let prediction: WhatIfPrediction
            do {
                prediction = try correlation.predict(scenario)
            } catch CorrelationServiceError.unknownResources(let resources) {
                throw Self.resourcesNotFound(resources)
            } catch let error as CorrelationError {
                throw NeutronError.badRequest("\(error)")
            }
            let entries = prediction.changes.map {
                ImpactView.Entry(
                    portID: $0.portID, predicted: true, before: $0.previous, after: $0.current,
                    rootCause: $0.cause.rootCause)
            }
            var view = repository.read { state in ImpactView(entries, in: state, access: context.access) }
            view.ignored_events = prediction.ignored.map {
                ImpactView.IgnoredEvent(
                    resource_type: $0.event.resource.kind.rawValue, resource_id: $0.event.resource.id,
                    reason: "\($0.reason)")
            }
            return try Self.json(["what_if": view])
        }
        router.get("/v2.0/data-plane-blast-radius") { request, context in
            try context.access.authorize("get_data_plane_faults")
            let query = QueryParameters(request.uri.query)
            var resource: PhysicalResourceRef?
            if let kindName = query.first("resource_type") {
                guard let kind = DataPlaneEventParser.kinds[kindName.lowercased()],
                    let id = query.first("resource_id"), !id.isEmpty
                else {
                    throw NeutronError.badRequest(
                        "resource_type must be one of switch, switch_port, link, host_nic, bond, host, vswitch, vif, with resource_id"
                    )
                }
                resource = PhysicalResourceRef(kind: kind, id: id)
            } else if query.first("resource_id") != nil {
                throw NeutronError.badRequest("resource_id needs resource_type")
            }
            let dependents: [PortImpairment]
            do {
                dependents = try correlation.blastRadius(of: resource)
            } catch CorrelationServiceError.unknownResources(let resources) {
                throw Self.resourcesNotFound(resources)
            }
            let entries = dependents.map {
                ImpactView.Entry(
                    portID: $0.portID, predicted: false, before: nil, after: $0.state, rootCause: $0.rootCause)
            }
            // `?ports=false`: the counts alone (the console's fabric view, on every change).
            let listing = query.first("ports").map { $0.lowercased() != "false" } ?? true
            let view = repository.read { state in
                ImpactView(entries, in: state, access: context.access, listingPorts: listing)
            }
            return try Self.json(["blast_radius": view])
        }
    }

    /// `{"events": [...], "maintenance": {...} | [...]}`: the native event format and the maintenance
    /// body, at least one of them.
    static func whatIfScenario(_ body: JSONValue, defaultSource: String, now: Date) throws(NeutronError)
        -> WhatIfScenario
    {
        guard let object = body.objectValue else { throw .badRequest("Body contains invalid data") }
        let unknown = object.keys.filter { !["events", "event", "maintenance"].contains($0) }.sorted()
        if !unknown.isEmpty { throw .badRequest("Unrecognized attribute(s) '\(unknown.joined(separator: ", "))'") }
        var scenario = WhatIfScenario()
        if object["events"] != nil || object["event"] != nil {
            scenario.events = try DataPlaneEventParser.events(body, defaultSource: defaultSource, now: now)
        }
        switch object["maintenance"] {
        case nil: break
        case .object(let fields)?: scenario.maintenance = [try DataPlaneEventParser.maintenance(fields)]
        case .array(let items)?:
            guard items.count <= 4096 else { throw .badRequest("At most 4096 maintenance changes") }
            scenario.maintenance = try items.map { item throws(NeutronError) in
                guard let fields = item.objectValue else { throw .badRequest("maintenance entries must be objects") }
                return try DataPlaneEventParser.maintenance(fields)
            }
        default: throw .badRequest("maintenance must be an object or a list of objects")
        }
        guard !scenario.events.isEmpty || !scenario.maintenance.isEmpty else {
            throw .badRequest("A what-if needs events or maintenance")
        }
        return scenario
    }
}
