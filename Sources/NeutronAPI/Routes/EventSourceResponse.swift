import EventSources
import FaultCorrelation
import Foundation
import PortwatchCore

/// The response of `/v2.0/data-plane-events/{doctor,alertmanager,onos,opendaylight}`: the native
/// endpoint's outcome per event, plus the body's items that produced nothing and the maintenance
/// changes a Doctor body asked for.
struct EventSourceResponse: Encodable {
    /// One maintenance start or end and its effect.
    struct MaintenanceOutcome: Encodable {
        var resource_type: String
        var resource_id: String
        var active: Bool
        var source: String
        var changed_ports: Int
    }

    var format: String
    var events: [EventsResponse.Outcome]
    /// Ports changed by the events and the maintenance changes together.
    var changed_ports: Int
    var held_ports: Int
    var ignored: [IgnoredSourceItem]
    var maintenance: [MaintenanceOutcome]

    init(
        format: String, submission: CorrelationService.Submission?, ignored: [IgnoredSourceItem],
        maintenance: [MaintenanceOutcome]
    ) {
        self.format = format
        let native = submission.map(EventsResponse.init)
        events = native?.events ?? []
        held_ports = native?.held_ports ?? 0
        changed_ports = (native?.changed_ports ?? 0) + maintenance.reduce(0) { $0 + $1.changed_ports }
        self.ignored = ignored
        self.maintenance = maintenance
    }
}
