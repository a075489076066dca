import Foundation
import NeutronClient
import PortwatchCore

/// Mirroring the cloud's Neutron into the store: ports and networks as Neutron has them, with
/// ``NeutronPortRecord``s in the same transaction. Correlation reacts to mirrored ports as to
/// ports written through the API (the repository correlates written ports at the end of a batch).
extension ChangeSet {
    /// What one mirror step changed, applied to ``BridgeState`` once the transaction is durable.
    struct MirrorOutcome: Sendable {
        var records: [String: NeutronPortRecord] = [:]
        var removed: Set<String> = []
        /// Ports whose Neutron value an admin set (a new override) or cleared.
        var overrides: [String: DataPlaneStatus?] = [:]
    }

    /// Mirrors `networks` and `ports` (the whole of Neutron when `complete`: anything else mirrored
    /// is removed) and removes `deletedPorts`.
    ///
    /// A port's `data_plane_status` in Neutron that changed at a newer revision than the record, to
    /// a value that neither Portwatch is writing (`inFlight`) nor wants, is an admin's: a value is
    /// a manual override, `null` clears the override (correlation takes the field back).
    ///
    /// `newer` names what a notification changed after a full sync's lists were read: the lists
    /// say nothing about those (a port created meanwhile is not removed, one deleted meanwhile is
    /// not brought back).
    mutating func mirror(
        networks: [NeutronNetwork]?, ports: [NeutronPort], deletedPorts: Set<String> = [], complete: Bool,
        records: [String: NeutronPortRecord], inFlight: [String: DataPlaneStatus?], newer: Set<String> = []
    ) -> MirrorOutcome {
        var outcome = MirrorOutcome()
        if let networks {
            let seen = Set(networks.map(\.id)).union(newer)
            for network in networks where !newer.contains(network.id) { mirror(network) }
            if complete {
                for id in base.networks.keys where !seen.contains(id) { deleteNetwork(id) }
            }
        }
        var seenPorts = newer
        for observed in ports where !newer.contains(observed.id) {
            seenPorts.insert(observed.id)
            let record = records[observed.id]
            // An older snapshot than what is known (a list read while a write landed) says nothing new.
            if let record, observed.revisionNumber < record.revision { continue }
            if let record, observed.revisionNumber == record.revision, port(observed.id) != nil { continue }
            let (port, override) = mirrored(observed, record: record, inFlight: inFlight[observed.id])
            if port != self.port(observed.id) { put(port) }
            if let override { outcome.overrides[observed.id] = override }
            let updated = NeutronPortRecord(value: observed.dataPlaneStatus, revision: observed.revisionNumber)
            putDocument(kind: NeutronPortRecord.kind, id: observed.id, body: updated.body)
            outcome.records[observed.id] = updated
        }
        var gone = deletedPorts
        if complete {
            for id in base.ports.keys where !seenPorts.contains(id) { gone.insert(id) }
        }
        for id in gone where port(id) != nil || records[id] != nil {
            if port(id) != nil { deletePort(id) }
            putDocument(kind: NeutronPortRecord.kind, id: id, body: nil)
            outcome.removed.insert(id)
        }
        return outcome
    }

    /// Records what Portwatch wrote to Neutron (the answers to its PUTs), unless a newer revision
    /// was seen meanwhile, or the port left the mirror.
    mutating func recordWrites(_ written: [NeutronPort], records: [String: NeutronPortRecord]) -> MirrorOutcome {
        var outcome = MirrorOutcome()
        for port in written {
            guard let known = records[port.id], known.revision <= port.revisionNumber else { continue }
            let record = NeutronPortRecord(value: port.dataPlaneStatus, revision: port.revisionNumber)
            putDocument(kind: NeutronPortRecord.kind, id: port.id, body: record.body)
            outcome.records[port.id] = record
        }
        return outcome
    }

    /// The local port for `observed`: Neutron's fields, and the override an admin's value sets or
    /// clears (`.some(nil)`: cleared).
    private func mirrored(
        _ observed: NeutronPort, record: NeutronPortRecord?, inFlight: DataPlaneStatus??
    ) -> (PortwatchCore.Port, DataPlaneStatus??) {
        let existing = port(observed.id)
        var port =
            existing
            ?? PortwatchCore.Port(
                id: observed.id, networkID: observed.networkID, projectID: observed.projectID,
                macAddress: observed.macAddress, createdAt: now)
        port.networkID = observed.networkID
        port.projectID = observed.projectID
        port.macAddress = observed.macAddress
        port.deviceID = observed.deviceID
        port.deviceOwner = observed.deviceOwner
        port.bindingHostID = observed.bindingHostID
        port.bindingProfile = observed.bindingProfile
        port.bindingVnicType = observed.bindingVnicType
        port.bindingVifType = observed.bindingHostID.isEmpty ? "unbound" : port.bindingVifType
        port.status = PortStatus(rawValue: observed.status) ?? .down
        var override: DataPlaneStatus??
        let value = observed.dataPlaneStatus
        let changedByOthers: Bool
        if let record {
            changedByOthers =
                value != record.value && inFlight != .some(value)
                && value != record.target(for: existing?.dataPlaneStatus)
        } else {
            // First sight: a value already set in Neutron was set by someone else.
            changedByOthers = value != nil && value != existing?.dataPlaneStatus
        }
        if changedByOthers {
            port.dataPlaneStatusOverride = value
            port.dataPlaneStatus = value ?? port.correlatedDataPlaneStatus
            override = .some(value)
        }
        if let existing, port != existing {
            port.revisionNumber = existing.revisionNumber + 1
            port.updatedAt = now
        }
        return (port, override)
    }

    /// The local network for `observed`: its first provider segment (a multi-segment network's
    /// ports are placed by their own binding).
    private mutating func mirror(_ observed: NeutronNetwork) {
        let existing = network(observed.id)
        var network = existing ?? Network(id: observed.id, projectID: observed.projectID, createdAt: now)
        network.name = observed.name
        network.projectID = observed.projectID
        let segment = observed.segments.first
        network.networkType = segment?.networkType ?? "local"
        network.physicalNetwork = segment?.physicalNetwork
        network.segmentationID = segment?.segmentationID
        if let existing, network != existing {
            network.revisionNumber = existing.revisionNumber + 1
            network.updatedAt = now
        }
        if network != existing { put(network) }
    }
}
