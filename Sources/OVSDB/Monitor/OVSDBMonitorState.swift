/// The rows an ``OVSDBMonitor`` has reported, and the events that move a consumer from them to a
/// new snapshot or past an update. Pure: no I/O, tested without a server.
struct OVSDBMonitorState: Sendable {
    private(set) var interfaces: [String: OVSInterface] = [:]
    private(set) var openVSwitch: OpenVSwitchRow?
    /// Raw rows, so that an update carrying only changed columns merges onto the full row.
    private var interfaceRows: [String: OVSDBRow] = [:]
    private var openVSwitchRows: [String: OVSDBRow] = [:]

    /// Replaces everything with a fresh snapshot and returns the differences as events: removed
    /// first, then added and changed, then the `Open_vSwitch` row if it changed.
    mutating func replace(with snapshot: OVSDBTableUpdates) -> [OVSDBMonitorEvent] {
        let previous = interfaces
        let previousSwitch = openVSwitch
        interfaceRows = (snapshot.tables["Interface"] ?? [:]).compactMapValues(\.new)
        openVSwitchRows = (snapshot.tables["Open_vSwitch"] ?? [:]).compactMapValues(\.new)
        interfaces = Dictionary(uniqueKeysWithValues: interfaceRows.map { ($0, OVSInterface(uuid: $0, row: $1)) })
        openVSwitch = Self.openVSwitch(from: openVSwitchRows)

        var events: [OVSDBMonitorEvent] = []
        for (uuid, old) in previous.sorted(by: { $0.key < $1.key }) where interfaces[uuid] == nil {
            events.append(.interfaceRemoved(old))
        }
        for (uuid, new) in interfaces.sorted(by: { $0.key < $1.key }) {
            if let old = previous[uuid] {
                if old != new { events.append(.interfaceChanged(old: old, new: new)) }
            } else {
                events.append(.interfaceAdded(new))
            }
        }
        if let openVSwitch, openVSwitch != previousSwitch { events.append(.openVSwitchChanged(openVSwitch)) }
        return events
    }

    /// Applies an `update` notification and returns the events it amounts to.
    mutating func apply(_ update: OVSDBTableUpdates) -> [OVSDBMonitorEvent] {
        var events: [OVSDBMonitorEvent] = []
        for (uuid, change) in (update.tables["Interface"] ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let newColumns = change.new else {
                interfaceRows[uuid] = nil
                if let old = interfaces.removeValue(forKey: uuid) { events.append(.interfaceRemoved(old)) }
                continue
            }
            let row = (interfaceRows[uuid] ?? [:]).merging(newColumns) { _, new in new }
            interfaceRows[uuid] = row
            let new = OVSInterface(uuid: uuid, row: row)
            let old = interfaces.updateValue(new, forKey: uuid)
            if let old {
                if old != new { events.append(.interfaceChanged(old: old, new: new)) }
            } else {
                events.append(.interfaceAdded(new))
            }
        }
        if let switchUpdates = update.tables["Open_vSwitch"] {
            for (uuid, change) in switchUpdates {
                openVSwitchRows[uuid] = change.new.map { (openVSwitchRows[uuid] ?? [:]).merging($0) { _, new in new } }
            }
            let previous = openVSwitch
            openVSwitch = Self.openVSwitch(from: openVSwitchRows)
            if let openVSwitch, openVSwitch != previous { events.append(.openVSwitchChanged(openVSwitch)) }
        }
        return events
    }

    private static func openVSwitch(from rows: [String: OVSDBRow]) -> OpenVSwitchRow? {
        // The schema allows at most one row ("maxRows": 1).
        rows.min { $0.key < $1.key }.map { OpenVSwitchRow(uuid: $0.key, row: $0.value) }
    }
}
