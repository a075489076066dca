import Foundation
import PortwatchCore

/// Reads collectd's notifications as its `write_http` plugin posts them (`Format "JSON"`,
/// `Notifications true`), for the `ovs_events` plugin: an Open vSwitch interface's link state.
///
/// collectd 5.7 and later write a notification in Alertmanager's shape (what Debian's 5.12 sends):
///
/// ```json
/// [{"labels": {"alertname": "collectd_ovs_events_gauge", "instance": "compute-1", "ovs_events": "tap1",
///              "type": "link_status", "severity": "WARNING", "service": "collectd"},
///   "annotations": {"summary": "link state of \"tap1\" interface has been changed to \"DOWN\"",
///                   "uuid": "b707307a-…", "iface-id": "515fb5f9-…"},
///   "startsAt": "2026-12-01T23:47:27.667816193Z"}]
/// ```
///
/// Older collectd writes `{"time", "severity", "host", "plugin", "plugin_instance", "type",
/// "type_instance", "message", "meta": {…}}`; both are read. A notification with an `iface-id` is
/// that Neutron port's `vif`; without one, the interface is the host NIC `<host>:<interface>`.
/// `WARNING`/`FAILURE` is down, `OKAY` up. Other plugins' notifications are ignored, as are
/// resources Portwatch does not know (a tap of a port it does not serve). The source is
/// `collectd:<host>`.
public struct CollectdAdapter: EventSourceAdapter {
    public var formatName: String { "collectd" }

    public init() {}

    public func decode(_ body: JSONValue, topology: Topology, now: Date) throws(EventSourceError) -> DecodedEvents {
        let items: [JSONValue]
        if let list = body.arrayValue {
            items = list
        } else if body.objectValue != nil {
            items = [body]
        } else {
            throw EventSourceError(code: .unexpectedShape, format: formatName, message: "expected a list of notifications, not \(body.kindName)")
        }
        var result = DecodedEvents()
        for (index, item) in items.enumerated() {
            guard item.objectValue != nil else {
                throw EventSourceError(
                    code: .unexpectedShape, format: formatName, message: "notification \(index) is \(item.kindName), not an object")
            }
            let labels = item.field("labels")
            let annotations = item.field("annotations") ?? item.field("meta")
            let plugin = labels.flatMap { $0.field("ovs_events") != nil ? "ovs_events" : nil } ?? item.string("plugin")
            let host = labels?.string("instance") ?? item.string("host")
            let interface = labels?.string("ovs_events") ?? item.string("plugin_instance")
            let severity = (labels?.string("severity") ?? item.string("severity"))?.uppercased()
            let summary = annotations?.string("summary") ?? item.string("message")
            let describe = "\(plugin ?? "?") \(interface ?? "")"
            guard plugin == "ovs_events" else {
                result.ignored.append(
                    IgnoredSourceItem(index: index, item: describe, reason: "not an ovs_events link-state notification"))
                continue
            }
            guard let host, !host.isEmpty, let interface, !interface.isEmpty else {
                throw EventSourceError(
                    code: .missingField, format: formatName, message: "notification \(index) names no host or interface")
            }
            let state: FaultState
            switch severity {
            case "OKAY": state = .up
            case "WARNING", "FAILURE": state = .down
            default:
                result.ignored.append(
                    IgnoredSourceItem(index: index, item: describe, reason: "severity \(severity ?? "(none)") is not a link state"))
                continue
            }
            let time = item.string("startsAt").flatMap(EventTime.parse)
                ?? item.field("time").flatMap(EventTime.parse) ?? now
            let resource: PhysicalResourceRef =
                annotations?.string("iface-id").map(PhysicalResourceRef.vif) ?? .hostNIC("\(host):\(interface)")
            result.events.append(
                FaultEvent(
                    resource: resource, state: state, time: time, source: "collectd:\(host)",
                    reason: summary.map { "ovs_events: \($0)" } ?? "ovs_events \(interface) \(state.rawValue)"))
        }
        return result
    }
}
