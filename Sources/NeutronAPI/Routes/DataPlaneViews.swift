import FaultCorrelation
import Foundation
import PortwatchCore

/// The response of `POST /v2.0/data-plane-events`.
struct EventsResponse: Encodable {
    struct Outcome: Encodable {
        var resource_type: String
        var resource_id: String
        var state: String
        var source: String
        var time: Date
        var outcome: String
        var reason: String?
        /// The time the event carried, when it was too far in the future and `time` is its arrival.
        var time_clamped_from: Date?
    }

    var events: [Outcome]
    var changed_ports: Int
    var held_ports: Int
    /// How many events had a time too far in the future (clamped to their arrival).
    var clamped_events: Int

    init(_ submission: CorrelationService.Submission) {
        let result = submission.result
        func outcome(_ event: FaultEvent, _ outcome: String, _ reason: String? = nil) -> Outcome {
            Outcome(
                resource_type: event.resource.kind.rawValue, resource_id: event.resource.id,
                state: event.state.rawValue,
                source: event.source, time: event.time, outcome: outcome, reason: reason,
                time_clamped_from: submission.clamped[event])
        }
        events =
            result.accepted.map { outcome($0, "accepted") } + result.duplicates.map { outcome($0, "duplicate") }
            + result.ignored.map { outcome($0.event, "ignored", "\($0.reason)") }
        changed_ports = submission.committedChanges
        held_ports = submission.heldChanges
        clamped_events = submission.clamped.count
    }
}

/// A fault record as the API shows it.
struct FaultView: Encodable {
    var source: String
    var resource_type: String
    var resource_id: String
    var state: String
    var since: Date
    var last_event_time: Date
    var severity: String
    var correlation_id: String?
    var reason: String?

    init(_ record: FaultRecord) {
        source = record.source
        resource_type = record.resource.kind.rawValue
        resource_id = record.resource.id
        state = record.state.rawValue
        since = record.since
        last_event_time = record.lastEventTime
        severity = record.severity.rawValue
        correlation_id = record.correlationID
        reason = record.reason
    }
}

/// A maintenance window as the API shows it.
struct MaintenanceView: Encodable {
    var resource_type: String
    var resource_id: String
    var since: Date
    var source: String

    init(_ window: MaintenanceWindow) {
        resource_type = window.resource.kind.rawValue
        resource_id = window.resource.id
        since = window.since
        source = window.source
    }
}

/// `GET /v2.0/ports/{id}/data-plane`: the visible status, the correlated state (with `degraded`)
/// and why.
struct AssessmentView: Encodable {
    struct Resource: Encodable {
        var resource_type: String
        var resource_id: String
    }

    var port_id: String
    var data_plane_status: String?
    var manual_override: String?
    var correlated_data_plane_status: String?
    var state: String?
    var attached: Bool
    var root_cause: [Resource]
    var faults: [FaultView]
    var suppressed_faults: [FaultView]
    /// The AND/OR tree of what the port depends on, each node with its state; nil when unknown.
    var path: PathNodeView?

    init(
        port: PortwatchCore.Port, assessment: PortAssessment?, faulty: Set<PhysicalResourceRef> = [],
        suppressed: Set<PhysicalResourceRef> = []
    ) {
        port_id = port.id
        data_plane_status = port.dataPlaneStatus?.rawValue
        manual_override = port.dataPlaneStatusOverride?.rawValue
        correlated_data_plane_status = port.correlatedDataPlaneStatus?.rawValue
        state = assessment?.state?.rawValue
        attached = assessment?.attachmentPoint != nil
        root_cause = (assessment?.rootCause ?? []).map { Resource(resource_type: $0.kind.rawValue, resource_id: $0.id) }
        faults = (assessment?.faults ?? []).map(FaultView.init)
        suppressed_faults = (assessment?.suppressedFaults ?? []).map(FaultView.init)
        path = assessment?.path.map { PathNodeView($0, faulty: faulty, suppressed: suppressed) }
    }
}

/// One node of a port's path tree: `all_of` (every child needed), `any_of` (one child is enough:
/// redundancy) or a `resource`, with the state the node evaluates to now.
struct PathNodeView: Encodable {
    var type: String
    var state: String
    var resource_type: String?
    var resource_id: String?
    /// A resource whose faults maintenance suppresses.
    var in_maintenance: Bool?
    var children: [PathNodeView]?

    init(_ node: PathRequirement, faulty: Set<PhysicalResourceRef>, suppressed: Set<PhysicalResourceRef>) {
        state = node.evaluate(isFaulty: { faulty.contains($0) }).state.rawValue
        switch node {
        case .resource(let resource):
            type = "resource"
            resource_type = resource.kind.rawValue
            resource_id = resource.id
            if suppressed.contains(resource) { in_maintenance = true }
        case .allOf(let nodes), .anyOf(let nodes):
            if case .anyOf = node { type = "any_of" } else { type = "all_of" }
            children = nodes.map { PathNodeView($0, faulty: faulty, suppressed: suppressed) }
        }
    }
}

/// A learned link and how it stands (`GET /v2.0/topology/learned-links`).
struct LearnedLinkView: Encodable {
    var host: String
    var nic: String
    var `switch`: String
    var chassis_id: String?
    var port: String
    var port_description: String?
    var first_seen: Date
    var last_seen: Date
    /// `in_use`, `overridden` (a declared link wins) or `unresolved` (switch or port unknown).
    var standing: String
    var switch_port_id: String?

    init(_ report: LearnedLink.Report) {
        host = report.host
        nic = report.link.nic
        `switch` = report.link.switchName
        chassis_id = report.link.chassisID
        port = report.link.port
        port_description = report.link.portDescription
        first_seen = report.link.firstSeen
        last_seen = report.link.lastSeen
        standing = report.standing.rawValue
        switch_port_id = report.switchPortID
    }
}
