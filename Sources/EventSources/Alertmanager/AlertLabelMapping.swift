import PortwatchCore

/// Which alert labels name which physical resource.
///
/// An alert's labels are tried against these rules, most specific first; the first rule whose
/// labels are present decides, and when it names nothing in the topology the alert is ignored (an
/// alert about `leaf-a1` port `Ethernet99` never falls back to the whole of `leaf-a1`):
///
/// | # | labels present | resource |
/// |---|---|---|
/// | 1 | `resource_type` + `resource_id` | as the native API reads them |
/// | 2 | `link` | the link with that id |
/// | 3 | `switch_port` | that switch port id, or with a switch label that port name |
/// | 4 | a switch label + a switch-port label (`interface`, `port`, `ifName`) | the switch's port |
/// | 5 | `ifName` + `device`/`instance`/`sysName` naming a switch | that switch's port (snmp_exporter) |
/// | 6 | `bond` | that bond id, or with a host label that bond of the host |
/// | 7 | a host label + an interface label (`nic`, `device`, `interface`) | the host's NIC or bond |
/// | 8 | `instance` + `device` | the NIC `device` of host `instance` (node_exporter) |
/// | 9 | a switch label (`switch`) | the switch |
/// | 10 | a host label (`host`, `hostname`, `nodename`) | the host |
///
/// Switches match by id, name or chassis MAC; host and switch names also match without a
/// `:port` suffix or a domain (`compute-a3.example.org:9100` → `compute-a3`).
public struct AlertLabelMapping: Sendable, Hashable {
    /// Labels naming a switch.
    public var switchLabels: [String]
    /// Labels naming a port of the switch named by a switch label.
    public var switchPortNameLabels: [String]
    /// Labels naming the switch of an SNMP interface alert (rule 5).
    public var snmpDeviceLabels: [String]
    /// Labels naming a host.
    public var hostLabels: [String]
    /// Labels naming a NIC or bond of the host named by a host label or `instance`.
    public var hostInterfaceLabels: [String]

    /// Creates a mapping; the defaults are the labels listed above.
    public init(
        switchLabels: [String] = ["switch"],
        switchPortNameLabels: [String] = ["interface", "port", "ifName"],
        snmpDeviceLabels: [String] = ["device", "instance", "sysName"],
        hostLabels: [String] = ["host", "hostname", "nodename"],
        hostInterfaceLabels: [String] = ["nic", "device", "interface"]
    ) {
        self.switchLabels = switchLabels
        self.switchPortNameLabels = switchPortNameLabels
        self.snmpDeviceLabels = snmpDeviceLabels
        self.hostLabels = hostLabels
        self.hostInterfaceLabels = hostInterfaceLabels
    }

    /// The outcome of mapping one alert's labels.
    enum Resolution: Equatable {
        case resource(PhysicalResourceRef)
        case unknown(String)
        case unmapped
    }

    static let kinds: [String: PhysicalResourceKind] = [
        "switch": .switch, "switch_port": .switchPort, "switchport": .switchPort, "link": .link,
        "host_nic": .hostNIC, "hostnic": .hostNIC, "nic": .hostNIC, "bond": .bond, "host": .host,
        "vswitch": .vswitch, "vif": .vif,
    ]

    func resolve(_ labels: [String: String], names: TopologyNames) -> Resolution {
        let topology = names.topology
        func first(_ keys: [String]) -> String? { keys.lazy.compactMap { labels[$0] }.first { !$0.isEmpty } }
        func known(_ resource: PhysicalResourceRef, _ description: String) -> Resolution {
            topology.contains(resource) ? .resource(resource) : .unknown("\(description) is not in the topology")
        }
        if let type = labels["resource_type"], let id = labels["resource_id"] {
            guard let kind = Self.kinds[type.lowercased()] ?? PhysicalResourceKind(rawValue: type) else {
                return .unknown("resource_type \(type) is not a resource type")
            }
            return known(PhysicalResourceRef(kind: kind, id: id), "\(kind.rawValue) \(id)")
        }
        if let link = labels["link"], !link.isEmpty { return known(.link(link), "link \(link)") }
        let switchName = first(switchLabels)
        if let port = labels["switch_port"], !port.isEmpty {
            if topology.contains(.switchPort(port)) { return .resource(.switchPort(port)) }
            guard let switchName else { return .unknown("switch port \(port) is not in the topology") }
            return switchPort(switchName, port, names)
        }
        let portName = first(switchPortNameLabels)
        if let switchName, let portName { return switchPort(switchName, portName, names) }
        if let ifName = labels["ifName"], !ifName.isEmpty, let device = first(snmpDeviceLabels),
            names.switchID(device) != nil
        {
            return switchPort(device, ifName, names)
        }
        let hostName = first(hostLabels)
        if let bond = labels["bond"], !bond.isEmpty {
            if topology.contains(.bond(bond)) { return .resource(.bond(bond)) }
            guard let host = hostName ?? labels["instance"] else {
                return .unknown("bond \(bond) is not in the topology")
            }
            return hostInterface(host, bond, names)
        }
        if let hostName, let interface = first(hostInterfaceLabels) { return hostInterface(hostName, interface, names) }
        if let instance = labels["instance"], let device = labels["device"], !instance.isEmpty, !device.isEmpty {
            return hostInterface(instance, device, names)
        }
        if let switchName {
            return names.switchID(switchName).map { .resource(.switch($0)) }
                ?? .unknown("switch \(switchName) is not in the topology")
        }
        if let hostName {
            return names.hostID(hostName).map { .resource(.host($0)) }
                ?? .unknown("host \(hostName) is not in the topology")
        }
        return .unmapped
    }

    private func switchPort(_ switchName: String, _ port: String, _ names: TopologyNames) -> Resolution {
        guard let switchID = names.switchID(switchName) else {
            return .unknown("switch \(switchName) is not in the topology")
        }
        guard let portID = names.topology.switchPortID(switchID: switchID, port: port) else {
            return .unknown("switch \(switchID) has no port \(port)")
        }
        return .resource(.switchPort(portID))
    }

    private func hostInterface(_ hostName: String, _ interface: String, _ names: TopologyNames) -> Resolution {
        guard let hostID = names.hostID(hostName) else { return .unknown("host \(hostName) is not in the topology") }
        guard let resolved = names.topology.hostInterface(hostID: hostID, name: interface) else {
            return .unknown("host \(hostID) has no interface \(interface)")
        }
        return .resource(resolved.resource)
    }
}
