import EventSources
import FaultCorrelation
import Foundation
import Hummingbird
import PortwatchCore

/// Foreign fault formats: OPNFV Doctor, Prometheus Alertmanager, ONOS and OpenDaylight events,
/// each decoded by its `EventSources` adapter into native fault events (see docs/event-sources.md).
extension NeutronAPI {
    /// The catalog entry of the extension.
    static let eventSourcesExtension = ExtensionCatalog.Entry(
        name: "Portwatch foreign fault event sources", alias: "portwatch-event-sources",
        description:
            "Doctor, Alertmanager, ONOS and OpenDaylight fault events at /v2.0/data-plane-events/{doctor,alertmanager,onos,opendaylight}",
        updated: "2026-11-26T00:00:00-00:00")

    /// How an endpoint treats events on resources the topology lacks.
    enum UnknownResourcePolicy {
        /// 404 and nothing applied, as the native endpoint: the body names resources explicitly.
        case reject
        /// Adapters leave such items out and list them as ignored: the source describes more
        /// than Portwatch models.
        case ignore
    }

    func registerEventSources(on router: Router<PortwatchRequestContext>, _ correlation: CorrelationService) {
        // Doctor's sample monitor and inspector speak to an inspector's base URL: `PUT /events` (a
        // list) and `POST /events`; Vitrage-style monitors `POST /v1/event` (a bare event).
        // Vitrage's event API also takes Alertmanager's webhook there (it tells by the User-Agent).
        let doctor = eventSources.first { $0 is DoctorAdapter } ?? DoctorAdapter()
        let alertmanager = eventSources.first { $0 is AlertmanagerAdapter } ?? AlertmanagerAdapter()
        for (path, method) in EventSourceEndpoints.doctorAliases {
            router.on(RouterPath(path), method: method) { request, context in
                if EventSourceEndpoints.isAlertmanager(request.headers[.userAgent]) {
                    return try await Self.ingest(request, context, alertmanager, .ignore, correlation)
                }
                return try await Self.ingest(request, context, doctor, .reject, correlation)
            }
        }
        for adapter in eventSources {
            // Doctor names its resources; the others describe more than Portwatch models.
            let policy: UnknownResourcePolicy = adapter is DoctorAdapter ? .reject : .ignore
            let methods: [HTTPRequest.Method] = adapter is DoctorAdapter ? [.post, .put] : [.post]
            for method in methods {
                router.on(RouterPath("/v2.0/data-plane-events/\(adapter.formatName)"), method: method) {
                    request, context in
                    try await Self.ingest(request, context, adapter, policy, correlation)
                }
            }
        }
    }

    /// Decodes a foreign body, applies its maintenance changes and events, and reports the outcome.
    static func ingest(
        _ request: Request, _ context: PortwatchRequestContext, _ adapter: any EventSourceAdapter,
        _ policy: UnknownResourcePolicy, _ correlation: CorrelationService
    ) async throws -> Response {
        let access = context.access
        try access.authorizeIngestion("create_data_plane_event", from: adapter.formatName)
        let body = try await RequestBody.json(request, limit: RequestBody.eventLimit)
        guard let topology = correlation.topology else { throw NeutronError.serviceUnavailable }
        let decoded: DecodedEvents
        do {
            decoded = try adapter.decode(body, topology: topology, now: Date())
        } catch {
            throw NeutronError.badRequest("Invalid \(adapter.formatName) payload: \(error.message)")
        }
        if !decoded.maintenance.isEmpty { try access.authorizeIngestion("update_maintenance", from: adapter.formatName) }
        var unknown = (decoded.maintenance.map(\.resource) + decoded.events.map(\.resource)).filter {
            !correlation.knows($0)
        }
        if policy == .ignore {
            unknown = unknown.filter { resource in decoded.maintenance.contains { $0.resource == resource } }
        }
        if !unknown.isEmpty { throw resourcesNotFound(Array(Set(unknown)).sorted()) }
        // Faults on a resource in maintenance are recorded but do not count, and ending maintenance
        // re-evaluates, so starting maintenance first and ending it last gives the same final state
        // as the body's order whatever it is.
        var maintenance: [EventSourceResponse.MaintenanceOutcome] = []
        for change in decoded.maintenance where change.active {
            maintenance.append(try await setMaintenance(change, correlation))
        }
        var submission: CorrelationService.Submission?
        if !decoded.events.isEmpty {
            do {
                // Sources that describe more than Portwatch models: what it does not know is ignored.
                submission =
                    policy == .ignore
                    ? try await correlation.submitKnown(decoded.events) : try await correlation.submit(decoded.events)
            } catch CorrelationServiceError.unknownResources(let resources) {
                throw resourcesNotFound(resources)
            }
        }
        for change in decoded.maintenance where !change.active {
            maintenance.append(try await setMaintenance(change, correlation))
        }
        return try json(
            EventSourceResponse(
                format: adapter.formatName, submission: submission, ignored: decoded.ignored, maintenance: maintenance))
    }

    static func setMaintenance(
        _ change: MaintenanceRequest, _ correlation: CorrelationService
    ) async throws -> EventSourceResponse.MaintenanceOutcome {
        let result: CorrelationResult
        do {
            result = try await correlation.setMaintenance(change.resource, active: change.active, source: change.source)
        } catch let error as CorrelationError {
            if correlation.knows(change.resource) { throw NeutronError.badRequest("\(error)") }
            throw resourcesNotFound([change.resource])
        }
        return .init(
            resource_type: change.resource.kind.rawValue, resource_id: change.resource.id, active: change.active,
            source: change.source, changed_ports: result.changes.count)
    }
}
