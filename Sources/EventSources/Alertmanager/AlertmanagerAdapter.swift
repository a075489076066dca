import Foundation
import PortwatchCore

/// Reads Prometheus Alertmanager's webhook (payload version 4).
///
/// ```json
/// {"version": "4", "groupKey": "{}:{alertname=\"SwitchPortDown\"}", "truncatedAlerts": 0,
///  "status": "firing", "receiver": "port-status",
///  "groupLabels": {"alertname": "SwitchPortDown"}, "commonLabels": {}, "commonAnnotations": {},
///  "externalURL": "http://am:9093",
///  "alerts": [{"status": "firing",
///              "labels": {"alertname": "SwitchPortDown", "switch": "leaf-a3", "interface": "Ethernet1",
///                         "severity": "critical"},
///              "annotations": {"summary": "ifOperStatus down"},
///              "startsAt": "2024-05-01T10:00:00.000Z", "endsAt": "0001-01-01T00:00:00Z",
///              "generatorURL": "http://prom:9090/graph", "fingerprint": "1a30ba71cca2921f"}]}
/// ```
///
/// Each alert is one event: its own `status` (not the group's) gives down (`firing`) or up
/// (`resolved`, which needs `send_resolved: true`); the time is `startsAt` when firing and
/// `endsAt` when resolved; `fingerprint` is the correlation id; the `severity` label the severity
/// (critical when absent or unknown); the reason `alertname: summary`. ``AlertLabelMapping`` turns
/// labels into a resource.
///
/// Monitoring routes commonly carry alerts Portwatch cannot place, so an alert whose labels name
/// no resource, or a resource the topology lacks, is ignored with the reason instead of failing
/// the whole group (a 4xx would make Alertmanager drop the mappable alerts too). So is an alert
/// whose `alertname` is not in ``Options/alertNames`` when that is set. `truncatedAlerts > 0` is
/// reported as an ignored item: those alerts' state is unknown.
///
/// The source is `alertmanager:<receiver>/<alertname>`, so two alerts about the same resource
/// (`LeafUnreachable` and `LeafBGPDown`) are separate faults and one resolving does not clear
/// the other; with ``Options/keyFaultsByAlertName`` off it is `alertmanager:<receiver>`.
public struct AlertmanagerAdapter: EventSourceAdapter {
    /// How alerts are read.
    public struct Options: Sendable, Hashable {
        /// Labels → resource.
        public var labels: AlertLabelMapping
        /// When set, only alerts with these names are read; the others are ignored.
        public var alertNames: Set<String>?
        /// Whether the fault source includes the alert name (see the type's documentation).
        public var keyFaultsByAlertName: Bool

        /// Creates options.
        public init(
            labels: AlertLabelMapping = AlertLabelMapping(), alertNames: Set<String>? = nil,
            keyFaultsByAlertName: Bool = true
        ) {
            self.labels = labels
            self.alertNames = alertNames
            self.keyFaultsByAlertName = keyFaultsByAlertName
        }
    }

    /// How alerts are read.
    public var options: Options

    public var formatName: String { "alertmanager" }

    /// Creates an adapter.
    public init(options: Options = Options()) {
        self.options = options
    }

    public func decode(_ body: JSONValue, topology: Topology, now: Date) throws(EventSourceError) -> DecodedEvents {
        guard body.objectValue != nil else {
            throw error(.unexpectedShape, "expected a webhook object, not \(body.kindName)")
        }
        guard let alertsValue = body.field("alerts") else { throw error(.missingField, "the webhook has no 'alerts'") }
        guard let alerts = alertsValue.arrayValue else {
            throw error(.invalidValue, "'alerts' is \(alertsValue.kindName), not a list")
        }
        let receiver = body.string("receiver") ?? "webhook"
        let groupStatus = body.string("status")
        let names = TopologyNames(topology)
        var result = DecodedEvents()
        for (index, alert) in alerts.enumerated() {
            try decode(
                alert, index: index, receiver: receiver, groupStatus: groupStatus, names: names, now: now, into: &result
            )
        }
        if case .int(let truncated) = body.field("truncatedAlerts") ?? .null, truncated > 0 {
            result.ignored.append(
                IgnoredSourceItem(
                    index: alerts.count, item: "\(truncated) truncated alert(s)",
                    reason: "Alertmanager's max_alerts cut them from the webhook; their state is unknown"))
        }
        return result
    }

    private func decode(
        _ alert: JSONValue, index: Int, receiver: String, groupStatus: String?, names: TopologyNames, now: Date,
        into result: inout DecodedEvents
    ) throws(EventSourceError) {
        guard alert.objectValue != nil else {
            throw error(.unexpectedShape, "alert \(index) is \(alert.kindName), not an object")
        }
        let labelsValue = alert.field("labels") ?? .object([:])
        guard let labelObject = labelsValue.objectValue else {
            throw error(.invalidValue, "alert \(index) has 'labels' that is \(labelsValue.kindName)")
        }
        let labels = labelObject.compactMapValues(\.text)
        let alertName = labels["alertname"] ?? "alert"
        let fingerprint = alert.string("fingerprint")
        let item = "alert \(alertName)" + (fingerprint.map { " (fingerprint \($0))" } ?? "")
        func ignore(_ reason: String) {
            result.ignored.append(IgnoredSourceItem(index: index, item: item, reason: reason))
        }
        if let allowed = options.alertNames, !allowed.contains(alertName) {
            return ignore("alert \(alertName) is not one Portwatch reads")
        }
        let state: FaultState
        switch (alert.string("status") ?? groupStatus)?.lowercased() {
        case "firing": state = .down
        case "resolved": state = .up
        case let other: return ignore("status \(other ?? "(none)") is neither firing nor resolved")
        }
        let startsAt = try time(alert, "startsAt", index: index)
        let endsAt = try time(alert, "endsAt", index: index).flatMap { EventTime.isGoZero($0) ? nil : $0 }
        let resource: PhysicalResourceRef
        switch options.labels.resolve(labels, names: names) {
        case .resource(let found): resource = found
        case .unknown(let reason): return ignore(reason)
        case .unmapped: return ignore("no label names a physical resource")
        }
        let summary = alert.field("annotations")?.string("summary", "description", "message")
        result.events.append(
            FaultEvent(
                resource: resource, state: state, time: (state == .down ? startsAt : endsAt) ?? now,
                source: options.keyFaultsByAlertName
                    ? "alertmanager:\(receiver)/\(alertName)" : "alertmanager:\(receiver)",
                severity: labels["severity"].flatMap(FaultSeverity.reading) ?? .critical,
                correlationID: fingerprint, reason: summary.map { "\(alertName): \($0)" } ?? alertName))
    }

    private func time(_ alert: JSONValue, _ field: String, index: Int) throws(EventSourceError) -> Date? {
        guard let text = alert.string(field) else { return nil }
        guard let date = EventTime.parse(text) else {
            throw error(.invalidValue, "alert \(index) has \(field) '\(text)', which is not an RFC 3339 date-time")
        }
        return date
    }

    private func error(_ code: EventSourceError.Code, _ message: String) -> EventSourceError {
        EventSourceError(code: code, format: formatName, message: message)
    }
}
