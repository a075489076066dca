import Foundation
import PortwatchCore

/// Ports a fault reaches (blast radius) or a what-if changes, as the caller may see them: each port
/// with its state before and after, and DOWN / degraded / up counts per project, network and
/// instance (`device_id`).
///
/// Ports the caller may not read (`get_port`) are left out of the list and of every count, so a
/// member's answer is about their project alone. `binding:host_id` is shown to callers who see
/// every policed attribute.
struct ImpactView: Encodable {
    /// One port: in a what-if its change (`predicted`), in a blast radius its state now (`after`).
    struct Entry {
        var portID: String
        var predicted: Bool
        var before: DataPlaneState?
        var after: DataPlaneState?
        var rootCause: [PhysicalResourceRef]
    }

    struct PortImpact: Encodable {
        var id: String
        var name: String
        var project_id: String
        var network_id: String
        var device_id: String
        var device_owner: String
        var binding_host_id: String?
        /// The engine's state now (what-if only).
        var state_before: String?
        /// The engine's state after the change (blast radius: now); `up` when its path is unknown.
        var state: String
        var data_plane_status: String?
        /// What `data_plane_status` would become (what-if only).
        var data_plane_status_after: String?
        var root_cause: [AssessmentView.Resource]

        enum CodingKeys: String, CodingKey {
            case id, name, project_id, network_id, device_id, device_owner
            case binding_host_id = "binding:host_id"
            case state_before, state, data_plane_status, data_plane_status_after, root_cause
        }
    }

    struct Counts: Encodable, Hashable {
        var down = 0
        var degraded = 0
        var up = 0

        mutating func count(_ state: String) {
            switch state {
            case "down": down += 1
            case "degraded": degraded += 1
            default: up += 1
            }
        }
    }

    struct Group: Encodable {
        var id: String
        var down: Int
        var degraded: Int
        var up: Int
        var ports: Int
    }

    struct IgnoredEvent: Encodable {
        var resource_type: String
        var resource_id: String
        var reason: String
    }

    var ports: [PortImpact] = []
    /// DOWN, degraded and up (in a what-if: back up) ports.
    var summary = Counts()
    var by_project: [Group] = []
    var by_network: [Group] = []
    var by_instance: [Group] = []
    /// Counts per root-cause resource (`"switch leaf-a1"`): what each fault takes down or degrades.
    var by_root_cause: [Group] = []
    var ignored_events: [IgnoredEvent]?

    /// `listingPorts: false` keeps the counts and groups and leaves the list of ports out.
    init(_ entries: [Entry], in state: borrowing ModelState, access: AccessPolicy, listingPorts: Bool = true) {
        let reading = access.portReading()
        let showsHost = access.seesEveryPolicedAttribute
        var projects: [String: Counts] = [:]
        var networks: [String: Counts] = [:]
        var instances: [String: Counts] = [:]
        var causes: [String: Counts] = [:]
        for entry in entries {
            guard let port = state.ports[entry.portID],
                reading.visibility(of: port, network: state.networks[port.networkID]) == .visible
            else { continue }
            let after = entry.after ?? .up
            let predicted: DataPlaneStatus? =
                !entry.predicted
                ? nil
                : DataPlaneStatusPrecedence.resolve(
                    manualOverride: port.dataPlaneStatusOverride, correlated: entry.after,
                    hasBeenDown: port.correlatedDataPlaneStatus != nil || entry.after == .down)
            if listingPorts {
                ports.append(
                    PortImpact(
                        id: port.id, name: port.name, project_id: port.projectID, network_id: port.networkID,
                        device_id: port.deviceID, device_owner: port.deviceOwner,
                        binding_host_id: showsHost ? port.bindingHostID : nil,
                        state_before: entry.predicted ? (entry.before ?? .up).rawValue : nil,
                        state: after.rawValue, data_plane_status: port.dataPlaneStatus?.rawValue,
                        data_plane_status_after: predicted?.rawValue,
                        root_cause: entry.rootCause.map {
                            AssessmentView.Resource(resource_type: $0.kind.rawValue, resource_id: $0.id)
                        }))
            }
            summary.count(after.rawValue)
            projects[port.projectID, default: Counts()].count(after.rawValue)
            networks[port.networkID, default: Counts()].count(after.rawValue)
            if !port.deviceID.isEmpty { instances[port.deviceID, default: Counts()].count(after.rawValue) }
            for cause in entry.rootCause { causes[cause.description, default: Counts()].count(after.rawValue) }
        }
        by_project = Self.groups(projects)
        by_network = Self.groups(networks)
        by_instance = Self.groups(instances)
        by_root_cause = Self.groups(causes)
    }

    /// Groups with the most DOWN first, then degraded, then by id.
    static func groups(_ counts: [String: Counts]) -> [Group] {
        counts.map {
            Group(
                id: $0.key, down: $0.value.down, degraded: $0.value.degraded, up: $0.value.up,
                ports: $0.value.down + $0.value.degraded + $0.value.up)
        }
        .sorted { ($1.down, $1.degraded, $0.id) < ($0.down, $0.degraded, $1.id) }
    }
}
