import Foundation
import PortwatchCore

/// Parses the native fault event format of `POST /v2.0/data-plane-events`.
///
/// ```json
/// {"events": [{"resource_type": "switch", "resource_id": "leaf-a1", "state": "down",
///              "time": "2026-11-25T10:00:00Z", "source": "onos", "severity": "critical",
///              "correlation_id": "incident-7", "reason": "LLDP lost"}]}
/// ```
/// `{"event": {...}}` is accepted for one event. `time` defaults to now and `source` to the caller.
enum DataPlaneEventParser {
    static let kinds: [String: PhysicalResourceKind] = [
        "switch": .switch, "switch_port": .switchPort, "switchport": .switchPort, "link": .link,
        "host_nic": .hostNIC, "hostnic": .hostNIC, "nic": .hostNIC, "bond": .bond, "host": .host,
        "vswitch": .vswitch, "vif": .vif, "tap": .vif,
    ]

    static func events(_ body: JSONValue, defaultSource: String, now: Date) throws(NeutronError) -> [FaultEvent] {
        guard let object = body.objectValue else { throw .badRequest("Body contains invalid data") }
        let items: [JSONValue]
        if let list = object["events"] {
            guard let array = list.arrayValue, !array.isEmpty else { throw .badRequest("Resources required") }
            items = array
        } else if let single = object["event"] {
            items = [single]
        } else {
            throw .badRequest("Unable to find 'events' in request body")
        }
        return try items.map { item throws(NeutronError) in try event(item, defaultSource: defaultSource, now: now) }
    }

    static func event(_ item: JSONValue, defaultSource: String, now: Date) throws(NeutronError) -> FaultEvent {
        guard let fields = item.objectValue else { throw .badRequest("Body contains invalid data") }
        let known: Set<String> = [
            "resource_type", "resource_id", "state", "time", "source", "severity", "correlation_id", "reason",
        ]
        let unknown = fields.keys.filter { !known.contains($0) }.sorted()
        if !unknown.isEmpty { throw .badRequest("Unrecognized attribute(s) '\(unknown.joined(separator: ", "))'") }
        let reader = AttributeReader(object: fields)
        guard let kindName = try reader.string("resource_type") else {
            throw .badRequest("Failed to parse request. Required attribute 'resource_type' not specified")
        }
        guard let kind = kinds[kindName.lowercased()] ?? PhysicalResourceKind(rawValue: kindName) else {
            throw AttributeReader.invalid(
                "resource_type",
                "\(kindName) is not in ['switch', 'switch_port', 'link', 'host_nic', 'bond', 'host', 'vswitch', 'vif']")
        }
        guard let id = try reader.string("resource_id"), !id.isEmpty else {
            throw .badRequest("Failed to parse request. Required attribute 'resource_id' not specified")
        }
        guard let stateName = try reader.string("state") else {
            throw .badRequest("Failed to parse request. Required attribute 'state' not specified")
        }
        guard let state = FaultState(rawValue: stateName.lowercased()) else {
            throw AttributeReader.invalid("state", "\(stateName) is not in ['down', 'up']")
        }
        var time = now
        if let text = try reader.string("time") {
            guard let parsed = NeutronTimestamp.parse(text) else {
                throw AttributeReader.invalid("time", "'\(text)' is not a valid ISO 8601 date-time")
            }
            time = parsed
        }
        var severity = FaultSeverity.critical
        if let text = try reader.string("severity") {
            guard let parsed = FaultSeverity(rawValue: text.lowercased()) else {
                throw AttributeReader.invalid(
                    "severity", "\(text) is not in \(pythonList(FaultSeverity.allCases.map(\.rawValue)))")
            }
            severity = parsed
        }
        return FaultEvent(
            resource: PhysicalResourceRef(kind: kind, id: id), state: state, time: time,
            source: try reader.string("source") ?? defaultSource, severity: severity,
            correlationID: try reader.string("correlation_id"), reason: try reader.string("reason", maxLength: 1024))
    }

    /// One maintenance change, `{"resource_type": "switch", "resource_id": "lf3", "active": true}`, as
    /// `PUT /v2.0/topology/maintenance` and the what-if take it (`source` is the caller's to read).
    static func maintenance(_ fields: [String: JSONValue]) throws(NeutronError) -> WhatIfScenario.MaintenanceChange {
        let reader = AttributeReader(object: fields)
        guard let kindName = try reader.string("resource_type"), let kind = kinds[kindName.lowercased()],
            let id = try reader.string("resource_id"), let active = try reader.bool("active")
        else {
            throw .badRequest("Maintenance needs resource_type (switch or host), resource_id and active")
        }
        return WhatIfScenario.MaintenanceChange(resource: PhysicalResourceRef(kind: kind, id: id), active: active)
    }
}
