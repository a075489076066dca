import Foundation
import OVSDB
import PortwatchCore

/// Turns what one host's Open vSwitch database shows into fault events (pure; no I/O).
///
/// - An `Interface` with `external_ids:iface-id` is a Neutron port's tap or vhost-user interface:
///   its `link_state` is that port's `vif` (down → the port alone DOWN). Removing it is no fault
///   (the VM was deleted or moved): it reports the interface `up`.
/// - An interface of a physical type (`system`, `dpdk`) without `iface-id` is the host NIC of that
///   name: its `link_state` is `host_nic <host>:<name>`.
/// - ovs-vswitchd's liveness (``OVSDB/VSwitchLiveness``) is the host's `vswitch`: `notServing` →
///   down, `serving` → up, `unknown` → no event.
/// - A lost OVSDB connection is not a fault: nothing is reported (the state is unknown, not down).
///
/// The host is the one configured, or else the `Open_vSwitch` row's `external_ids:hostname` (what
/// OpenStack deployments set and Nova's `binding:host_id` carries); events seen before it is
/// known wait for it. Every event's source is `ovsdb:<host>`.
public struct OVSDBFaultTranslator: Sendable {
    /// The host whose database this is, once known.
    public private(set) var hostID: String?
    /// Events waiting for the host to be known.
    private var waiting: [(Date, OVSDBMonitorEvent)] = []

    /// Interface types that are physical NICs.
    public static let physicalTypes: Set<String> = ["", "system", "dpdk"]

    public init(hostID: String? = nil) {
        self.hostID = hostID?.isEmpty == true ? nil : hostID
    }

    /// The events `event` means, in order.
    public mutating func translate(_ event: OVSDBMonitorEvent, now: Date) -> [FaultEvent] {
        if case .openVSwitchChanged(let row) = event, hostID == nil, let hostname = row.hostname, !hostname.isEmpty {
            hostID = hostname
            let earlier = waiting
            waiting = []
            return earlier.flatMap { translate($0.1, now: $0.0) }
        }
        guard let hostID else {
            if case .connection = event { return [] }
            waiting.append((now, event))
            return []
        }
        let source = "ovsdb:\(hostID)"
        switch event {
        case .interfaceAdded(let interface):
            return Self.linkEvent(interface, host: hostID, source: source, now: now).map { [$0] } ?? []
        case .interfaceChanged(let old, let new):
            guard old.linkState != new.linkState || old.neutronPortID != new.neutronPortID else { return [] }
            var events: [FaultEvent] = []
            // A tap whose iface-id changed: the old port's interface is gone.
            if let before = old.neutronPortID, before != new.neutronPortID {
                events.append(Self.event(.vif(before), .up, "tap \(old.name) no longer carries the port", source, now))
            }
            if let event = Self.linkEvent(new, host: hostID, source: source, now: now) { events.append(event) }
            return events
        case .interfaceRemoved(let interface):
            guard let port = interface.neutronPortID else { return [] }
            return [Self.event(.vif(port), .up, "tap \(interface.name) removed", source, now)]
        case .vswitchLiveness(.serving):
            return [Self.event(.vswitch(hostID), .up, "ovs-vswitchd serving", source, now)]
        case .vswitchLiveness(.notServing(let reason)):
            return [Self.event(.vswitch(hostID), .down, reason, source, now)]
        case .vswitchLiveness(.unknown), .openVSwitchChanged, .connection:
            return []
        }
    }

    /// The link-state event of an interface, when it has one and is a port's tap or a physical NIC.
    static func linkEvent(_ interface: OVSInterface, host: String, source: String, now: Date) -> FaultEvent? {
        guard let link = interface.linkState else { return nil }
        let state: FaultState = link == .up ? .up : .down
        var reason = "\(interface.name) link_state \(link.rawValue)"
        if let error = interface.error, !error.isEmpty { reason += ": \(error)" }
        if let port = interface.neutronPortID {
            return event(.vif(port), state, "tap " + reason, source, now)
        }
        guard physicalTypes.contains(interface.type) else { return nil }
        return event(.hostNIC("\(host):\(interface.name)"), state, reason, source, now)
    }

    static func event(
        _ resource: PhysicalResourceRef, _ state: FaultState, _ reason: String, _ source: String, _ now: Date
    ) -> FaultEvent {
        FaultEvent(resource: resource, state: state, time: now, source: source, reason: reason)
    }
}
