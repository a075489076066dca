import Foundation
import PortwatchCore

/// Reads OPNFV Doctor southbound events (Monitor → Inspector).
///
/// The body is a list of events (what Doctor's sample monitor `PUT`s to the sample inspector's
/// `/events`, and Congress's doctor table), one bare event (what it `POST`s to Vitrage), or the
/// spec's `{"event": {...}}` / `{"events": [...]}` wrappers:
///
/// ```json
/// [{"time": "2019-11-28T10:15:30.123456",
///   "type": "compute.host.down",
///   "details": {"hostname": "compute-1", "status": "down",
///               "monitor": "monitor_sample", "monitor_event_id": "monitor_sample_event1"}}]
/// ```
///
/// Mapping:
/// - a type of ``Options/hostFaultTypes`` (`compute.host.down`) → the host `details.hostname`
///   (also matched without its domain);
/// - a type of ``Options/interfaceFaultTypes`` (`compute.host.nic.error`, `compute.host.nic.down`)
///   → the NIC or bond `details.nic` (or `interface`, `device`) of that host; without an
///   interface name the event is ignored rather than taking the whole host down;
/// - `IN_MAINTENANCE` / `MAINTENANCE_COMPLETE` → a ``MaintenanceRequest`` for the host (or a
///   switch of that name);
/// - any other type is ignored: Doctor types are free-form and most are not data-plane faults.
///
/// `details.status` `"up"` clears, anything else (or none) reports down, as Vitrage reads it.
/// The source is `doctor:<details.monitor>` (or `monitor_id`, `id`), the correlation id
/// `monitor_event_id`, the severity `details.severity` (critical when absent). Hosts are not
/// checked against the topology here: an unknown host is the caller's error (404).
public struct DoctorAdapter: EventSourceAdapter {
    /// Which Doctor event types mean what.
    public struct Options: Sendable, Hashable {
        /// Types that report a whole host down or up.
        public var hostFaultTypes: Set<String>
        /// Types that report one NIC or bond of a host.
        public var interfaceFaultTypes: Set<String>

        /// Creates options; the defaults follow Doctor's tests and SB interface spec.
        public init(
            hostFaultTypes: Set<String> = ["compute.host.down"],
            interfaceFaultTypes: Set<String> = ["compute.host.nic.error", "compute.host.nic.down"]
        ) {
            self.hostFaultTypes = hostFaultTypes
            self.interfaceFaultTypes = interfaceFaultTypes
        }
    }

    /// The event type mapping.
    public var options: Options

    public var formatName: String { "doctor" }

    /// Creates an adapter.
    public init(options: Options = Options()) {
        self.options = options
    }

    public func decode(_ body: JSONValue, topology: Topology, now: Date) throws(EventSourceError) -> DecodedEvents {
        let items = try [JSONValue].eventItems(of: body, format: formatName) { $0.field("type") != nil }
        let names = TopologyNames(topology)
        var result = DecodedEvents()
        for (index, item) in items.enumerated() {
            try decode(item, index: index, names: names, into: &result)
        }
        return result
    }

    private func decode(_ item: JSONValue, index: Int, names: TopologyNames, into result: inout DecodedEvents)
        throws(EventSourceError)
    {
        guard item.objectValue != nil else {
            throw error(.unexpectedShape, "event \(index) is \(item.kindName), not an object")
        }
        guard let type = item.string("type") else { throw error(.missingField, "event \(index) has no 'type'") }
        guard let timeText = item.string("time") else { throw error(.missingField, "event \(index) has no 'time'") }
        guard let time = EventTime.parse(timeText) else {
            throw error(.invalidValue, "event \(index) has time '\(timeText)', which is not an ISO 8601 date-time")
        }
        let details = item.field("details") ?? .object([:])
        guard details.objectValue != nil else {
            throw error(.invalidValue, "event \(index) has 'details' that is \(details.kindName)")
        }
        let hostname = details.string("hostname")
        let monitor = details.string("monitor", "monitor_id", "id") ?? item.string("id")
        let source = monitor.map { "doctor:\($0)" } ?? "doctor"
        let maintenance = type.uppercased()
        if maintenance == "IN_MAINTENANCE" || maintenance == "MAINTENANCE_COMPLETE" {
            guard let hostname else { throw error(.missingField, "event \(index) (\(type)) has no 'details.hostname'") }
            let resource: PhysicalResourceRef =
                names.hostID(hostname).map(PhysicalResourceRef.host)
                ?? names.switchID(hostname).map(PhysicalResourceRef.switch) ?? .host(hostname)
            result.maintenance.append(
                MaintenanceRequest(
                    resource: resource, active: maintenance == "IN_MAINTENANCE", source: source, time: time))
            return
        }
        let isHostFault = options.hostFaultTypes.contains(type)
        guard isHostFault || options.interfaceFaultTypes.contains(type) else {
            result.ignored.append(
                IgnoredSourceItem(
                    index: index, item: "\(type) \(hostname ?? "")",
                    reason: "event type \(type) is not a data-plane fault"))
            return
        }
        guard let hostname else { throw error(.missingField, "event \(index) (\(type)) has no 'details.hostname'") }
        let hostID = names.hostID(hostname) ?? hostname
        let resource: PhysicalResourceRef
        if isHostFault {
            resource = .host(hostID)
        } else {
            guard let interface = details.string("nic", "interface", "device", "ifname") else {
                result.ignored.append(
                    IgnoredSourceItem(
                        index: index, item: "\(type) \(hostname)",
                        reason: "no details.nic names the interface of \(hostname)"))
                return
            }
            resource =
                names.topology.hostInterface(hostID: hostID, name: interface)?.resource
                ?? .hostNIC("\(hostID):\(interface)")
        }
        let status = details.string("status")?.lowercased()
        let cause = details.string("cause")
        result.events.append(
            FaultEvent(
                resource: resource, state: status == "up" ? .up : .down, time: time, source: source,
                severity: details.string("severity").flatMap(FaultSeverity.reading) ?? .critical,
                correlationID: details.string("monitor_event_id"),
                reason: cause.map { "\(type): \($0)" } ?? "\(type) status=\(status ?? "down")"))
    }

    private func error(_ code: EventSourceError.Code, _ message: String) -> EventSourceError {
        EventSourceError(code: code, format: formatName, message: message)
    }
}
