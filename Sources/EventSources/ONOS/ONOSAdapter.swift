import Foundation
import PortwatchCore

/// Reads ONOS device and link events as JSON.
///
/// Two shapes are read, one event or a list (`[...]`, `{"events": [...]}`, `{"event": {...}}`):
/// the JSON mapping of the kafka-integration app's protobuf records, and events written with
/// ONOS's REST codec field names (`type`, `subject`/`device` with `id` and `available`, `port`
/// with `port`, `isEnabled`, `annotations.portName`, `link` with `src`/`dst`):
///
/// ```json
/// {"device_event_type": "PORT_UPDATED",
///  "device": {"device_id": "of:00005254000a0004", "type": "SWITCH", "chassis_id": "1"},
///  "port": {"port_number": "5", "is_enabled": false, "type": "COPPER", "port_speed": 10000,
///           "annotations": {"portName": "Ethernet5"}}}
/// {"type": "LINK_REMOVED", "time": 1714557600000,
///  "link": {"src": {"device": "of:00005254000a0003", "port": "49"},
///           "dst": {"device": "of:00005254000a0011", "port": "3"}, "state": "INACTIVE"}}
/// ```
///
/// Mapping (devices and ports through ``OpenFlowDeviceMatcher``):
/// - `DEVICE_ADDED` → switch up (down if `available` is false); `DEVICE_REMOVED`,
///   `DEVICE_SUSPENDED` → switch down;
/// - `DEVICE_AVAILABILITY_CHANGED` (and `DEVICE_UPDATED`) → switch up/down from the device's
///   `available`; ONOS's event carries no flag, so the forwarder must add the re-queried value,
///   and without it the event is ignored;
/// - `PORT_ADDED`, `PORT_UPDATED` → switch port up/down from `isEnabled`; `PORT_REMOVED` → down;
/// - `LINK_ADDED` → link up, `LINK_REMOVED` → link down, `LINK_UPDATED` → from `state`
///   (`ACTIVE`/`INACTIVE`); the link is the topology link between the two switch ports (ONOS
///   reports each direction; both map to the same link).
///
/// The controller sees devices Portwatch does not model (hypervisor bridges, lab switches), so
/// events on devices, ports or links the topology lacks are ignored with the reason; so are other
/// event types (`PORT_STATS_UPDATED`, host and topology events). `time` (epoch milliseconds or
/// ISO 8601) is used when present; the source is ``sourceName``.
public struct ONOSAdapter: EventSourceAdapter {
    /// Device and port matching.
    public var matcher: OpenFlowDeviceMatcher
    /// The `source` of the events (`"onos"`).
    public var sourceName: String

    public var formatName: String { "onos" }

    /// Creates an adapter.
    public init(matcher: OpenFlowDeviceMatcher = OpenFlowDeviceMatcher(), sourceName: String = "onos") {
        self.matcher = matcher
        self.sourceName = sourceName
    }

    static let typeFields = ["type", "event_type", "eventType", "device_event_type", "link_event_type"]

    public func decode(_ body: JSONValue, topology: Topology, now: Date) throws(EventSourceError) -> DecodedEvents {
        let items = try [JSONValue].eventItems(of: body, format: formatName) { $0.field(Self.typeFields) != nil }
        let names = TopologyNames(topology)
        var result = DecodedEvents()
        for (index, item) in items.enumerated() {
            try decode(item, index: index, names: names, now: now, into: &result)
        }
        return result
    }

    private func decode(
        _ item: JSONValue, index: Int, names: TopologyNames, now: Date, into result: inout DecodedEvents
    ) throws(EventSourceError) {
        guard item.objectValue != nil else {
            throw error(.unexpectedShape, "event \(index) is \(item.kindName), not an object")
        }
        guard let type = item.field(Self.typeFields)?.text?.uppercased() else {
            throw error(.missingField, "event \(index) has no 'type'")
        }
        var time = now
        if let value = item.field("time") {
            guard let parsed = EventTime.parse(value) else {
                throw error(.invalidValue, "event \(index) has an unreadable 'time'")
            }
            time = parsed
        }
        func ignore(_ subject: String, _ reason: String) {
            result.ignored.append(IgnoredSourceItem(index: index, item: "\(type) \(subject)", reason: reason))
        }
        func emit(_ resource: PhysicalResourceRef, _ state: FaultState, _ detail: String) {
            result.events.append(
                FaultEvent(
                    resource: resource, state: state, time: time, source: sourceName,
                    severity: state == .down ? .critical : .info, reason: "\(type): \(detail)"))
        }
        switch type {
        case "DEVICE_ADDED", "DEVICE_REMOVED", "DEVICE_SUSPENDED", "DEVICE_AVAILABILITY_CHANGED", "DEVICE_UPDATED":
            let device = try deviceID(item, index: index)
            let available =
                (item.field(["device", "subject"]) ?? .null).field("available")?.flag ?? item.field("available")?.flag
            let state: FaultState
            switch type {
            case "DEVICE_REMOVED", "DEVICE_SUSPENDED": state = .down
            case "DEVICE_ADDED": state = available == false ? .down : .up
            default:
                guard let available else {
                    return ignore(device, "the event carries no 'available'; ONOS requires re-querying the device")
                }
                state = available ? .up : .down
            }
            guard let switchID = matcher.switchID(ofDevice: device, in: names) else {
                return ignore(device, "device \(device) matches no switch of the topology")
            }
            emit(.switch(switchID), state, "\(device) available=\(state == .up)")
        case "PORT_ADDED", "PORT_UPDATED", "PORT_REMOVED":
            guard let port = item.field("port"), port.objectValue != nil else {
                throw error(.missingField, "event \(index) (\(type)) has no 'port' object")
            }
            let device = try deviceID(item, index: index)
            let (number, name) = portNumber(port)
            let subject = "\(device)/\(name ?? number ?? "?")"
            let state: FaultState
            if type == "PORT_REMOVED" {
                state = .down
            } else {
                guard let enabled = port.field(["isEnabled", "is_enabled", "enabled"])?.flag else {
                    return ignore(subject, "the port carries no 'isEnabled'")
                }
                state = enabled ? .up : .down
            }
            guard let switchID = matcher.switchID(ofDevice: device, in: names) else {
                return ignore(subject, "device \(device) matches no switch of the topology")
            }
            guard let portID = matcher.switchPortID(switchID: switchID, number: number, name: name, in: names.topology)
            else {
                return ignore(subject, "switch \(switchID) has no port \(name ?? number ?? "?")")
            }
            emit(.switchPort(portID), state, "\(subject) isEnabled=\(state == .up)")
        case "LINK_ADDED", "LINK_REMOVED", "LINK_UPDATED":
            let link = item.field("link") ?? item
            guard let source = link.field("src"), let destination = link.field("dst") else {
                throw error(.missingField, "event \(index) (\(type)) has no link 'src' and 'dst'")
            }
            let linkState = link.string("state")?.uppercased()
            let state: FaultState
            switch type {
            case "LINK_REMOVED": state = .down
            case "LINK_ADDED": state = linkState == "INACTIVE" ? .down : .up
            default:
                guard let linkState, linkState == "ACTIVE" || linkState == "INACTIVE" else {
                    return ignore("link", "the link carries no state ACTIVE or INACTIVE")
                }
                state = linkState == "ACTIVE" ? .up : .down
            }
            let ends = (try connectPoint(source, index: index), try connectPoint(destination, index: index))
            let subject = "\(ends.0.label)->\(ends.1.label)"
            var ports: [PhysicalResourceRef] = []
            for end in [ends.0, ends.1] {
                guard let switchID = matcher.switchID(ofDevice: end.device, in: names),
                    let portID = matcher.switchPortID(
                        switchID: switchID, number: end.number, name: end.name, in: names.topology)
                else { return ignore(subject, "\(end.label) matches no switch port of the topology") }
                ports.append(.switchPort(portID))
            }
            guard let linkID = names.link(between: ports[0], and: ports[1]) else {
                return ignore(subject, "the topology has no link between \(ports[0].id) and \(ports[1].id)")
            }
            emit(.link(linkID), state, subject)
        default:
            ignore("", "event type \(type) is not a device, port or link change")
        }
    }

    private func deviceID(_ item: JSONValue, index: Int) throws(EventSourceError) -> String {
        let device = item.field(["device", "subject"])
        if let text = device?.text { return text }
        if let id = device?.string("id", "device_id", "deviceId") { return id }
        if let id = item.string("device_id", "deviceId") ?? item.field("port")?.string("element", "device_id") {
            return id
        }
        throw error(.missingField, "event \(index) names no device ('device.id' or 'device.device_id')")
    }

    private func portNumber(_ port: JSONValue) -> (number: String?, name: String?) {
        let annotated =
            port.field("annotations")?.string("portName", "name") ?? port.string("name", "portName", "port_name")
        guard let raw = port.string("port", "port_number", "portNumber", "number") else { return (nil, annotated) }
        let split = OpenFlowDeviceMatcher.splitPortNumber(raw)
        return (split.number, annotated ?? split.name)
    }

    private struct ConnectPoint {
        var device: String
        var number: String?
        var name: String?
        var label: String { "\(device)/\(name ?? number ?? "?")" }
    }

    private func connectPoint(_ value: JSONValue, index: Int) throws(EventSourceError) -> ConnectPoint {
        guard let device = value.string("device", "device_id", "deviceId", "element") else {
            throw error(.missingField, "event \(index) has a link end without 'device'")
        }
        let (number, name) = portNumber(value)
        return ConnectPoint(device: device, number: number, name: name)
    }

    private func error(_ code: EventSourceError.Code, _ message: String) -> EventSourceError {
        EventSourceError(code: code, format: formatName, message: message)
    }
}
