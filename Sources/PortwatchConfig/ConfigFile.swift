import EventSources
import Foundation
import Yams

/// `portwatch serve --config portwatch.yaml`: what flags express badly — the event sources' options
/// and the Open vSwitch databases to watch.
///
/// ```yaml
/// event_sources:
///   alertmanager:
///     alert_names: [LeafDown, SwitchPortDown]     # only these; all alerts when absent
///     key_faults_by_alert_name: true
///     labels:
///       switch: [switch, device_name]
///       switch_port: [interface, ifName]
///       snmp_device: [device, instance, sysName]
///       host: [host, hostname, nodename]
///       host_interface: [nic, device, interface]
///   onos:
///     devices: {"of:0000000000000a01": leaf-a1}   # controller device id → switch id
///     port_names: ["Ethernet{n}"]
///   opendaylight:
///     devices: {"openflow:2561": leaf-a1}
///     port_names: ["Ethernet{n}"]
///   doctor:
///     host_fault_types: [compute.host.down]
///     interface_fault_types: [compute.host.nic.error, compute.host.nic.down]
/// ovsdb:
///   - compute-1=tcp:10.0.0.5:6640
/// ovsdb_probe_interval: 15
/// ```
///
/// Every key is checked: an unknown one, or a value of the wrong kind, is an error naming the key's
/// path and line (`portwatch.yaml, line 4: event_sources.alertmanager.lables: unknown key; …`).
public struct ConfigFile: Sendable {
    public var alertmanager = AlertmanagerAdapter.Options()
    public var onos = OpenFlowDeviceMatcher()
    public var opendaylight = OpenFlowDeviceMatcher()
    public var doctor = DoctorAdapter.Options()
    /// `[HOST=]ENDPOINT` strings, as `--ovsdb` takes them.
    public var ovsdb: [String] = []
    /// Seconds.
    public var ovsdbProbeInterval: Int?

    public init() {}

    /// Reads the file at `path`.
    public init(path: String) throws(ConfigFileError) {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path)) else {
            throw ConfigFileError(path: path, "cannot be read")
        }
        try self.init(text: String(decoding: data, as: UTF8.self), path: path)
    }

    /// Reads `text`; `path` names it in errors.
    public init(text: String, path: String = "config") throws(ConfigFileError) {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ConfigFileError(path: path, "is not valid YAML: \(error)")
        }
        self.init()
        guard let root else { return }
        let reader = Reader(path: path)
        let top = try reader.mapping(root, "", keys: ["event_sources", "ovsdb", "ovsdb_probe_interval"])
        if let sources = top["event_sources"] {
            let names = try reader.mapping(
                sources, "event_sources", keys: ["alertmanager", "onos", "opendaylight", "doctor"])
            if let node = names["alertmanager"] { alertmanager = try reader.alertmanager(node) }
            if let node = names["onos"] { onos = try reader.matcher(node, "event_sources.onos") }
            if let node = names["opendaylight"] { opendaylight = try reader.matcher(node, "event_sources.opendaylight") }
            if let node = names["doctor"] { doctor = try reader.doctor(node) }
        }
        if let node = top["ovsdb"] { ovsdb = try reader.strings(node, "ovsdb") }
        if let node = top["ovsdb_probe_interval"] {
            guard let value = node.scalar.flatMap({ Int($0.string) }), (1...3600).contains(value) else {
                throw reader.error(node, "ovsdb_probe_interval", "must be a number of seconds from 1 to 3600")
            }
            ovsdbProbeInterval = value
        }
    }

    /// Reads nodes, naming each key's path and line in errors.
    struct Reader {
        let path: String

        func error(_ node: Node, _ key: String, _ message: String) -> ConfigFileError {
            ConfigFileError(path: path, line: node.mark?.line, "\(key): \(message)")
        }

        func mapping(_ node: Node, _ key: String, keys: Set<String>) throws(ConfigFileError) -> [String: Node] {
            guard let mapping = node.mapping else {
                throw error(node, key.isEmpty ? "the file" : key, "must be a mapping")
            }
            var result: [String: Node] = [:]
            for (name, value) in mapping {
                let text = name.scalar?.string ?? "?"
                let full = key.isEmpty ? text : "\(key).\(text)"
                guard keys.contains(text) else {
                    throw error(name, full, "unknown key; the keys here are \(keys.sorted().joined(separator: ", "))")
                }
                result[text] = value
            }
            return result
        }

        func strings(_ node: Node, _ key: String) throws(ConfigFileError) -> [String] {
            guard let items = node.sequence else { throw error(node, key, "must be a list of strings") }
            var result: [String] = []
            for item in items {
                guard let text = item.scalar?.string, !text.isEmpty else {
                    throw error(item, key, "must be a list of non-empty strings")
                }
                result.append(text)
            }
            return result
        }

        func bool(_ node: Node, _ key: String) throws(ConfigFileError) -> Bool {
            switch node.scalar?.string.lowercased() {
            case "true", "yes", "on": return true
            case "false", "no", "off": return false
            default: throw error(node, key, "must be true or false")
            }
        }

        func alertmanager(_ node: Node) throws(ConfigFileError) -> AlertmanagerAdapter.Options {
            let key = "event_sources.alertmanager"
            let fields = try mapping(node, key, keys: ["alert_names", "key_faults_by_alert_name", "labels"])
            var options = AlertmanagerAdapter.Options()
            if let names = fields["alert_names"] { options.alertNames = Set(try strings(names, "\(key).alert_names")) }
            if let flag = fields["key_faults_by_alert_name"] {
                options.keyFaultsByAlertName = try bool(flag, "\(key).key_faults_by_alert_name")
            }
            if let labels = fields["labels"] {
                let labelKey = "\(key).labels"
                let groups = try mapping(
                    labels, labelKey, keys: ["switch", "switch_port", "snmp_device", "host", "host_interface"])
                var mapping = AlertLabelMapping()
                if let value = groups["switch"] { mapping.switchLabels = try strings(value, "\(labelKey).switch") }
                if let value = groups["switch_port"] {
                    mapping.switchPortNameLabels = try strings(value, "\(labelKey).switch_port")
                }
                if let value = groups["snmp_device"] {
                    mapping.snmpDeviceLabels = try strings(value, "\(labelKey).snmp_device")
                }
                if let value = groups["host"] { mapping.hostLabels = try strings(value, "\(labelKey).host") }
                if let value = groups["host_interface"] {
                    mapping.hostInterfaceLabels = try strings(value, "\(labelKey).host_interface")
                }
                options.labels = mapping
            }
            return options
        }

        func matcher(_ node: Node, _ key: String) throws(ConfigFileError) -> OpenFlowDeviceMatcher {
            let fields = try mapping(node, key, keys: ["devices", "port_names"])
            var matcher = OpenFlowDeviceMatcher()
            if let devices = fields["devices"] {
                guard let entries = devices.mapping else {
                    throw error(devices, "\(key).devices", "must map controller device ids to switch ids")
                }
                for (device, switchID) in entries {
                    guard let device = device.scalar?.string, let switchID = switchID.scalar?.string, !switchID.isEmpty
                    else { throw error(switchID, "\(key).devices", "must map controller device ids to switch ids") }
                    matcher.deviceSwitchIDs[device] = switchID
                }
            }
            if let names = fields["port_names"] {
                matcher.portNameTemplates = try strings(names, "\(key).port_names")
                for template in matcher.portNameTemplates where !template.contains("{n}") {
                    throw error(names, "\(key).port_names", "'\(template)' has no {n} for the port number")
                }
            }
            return matcher
        }

        func doctor(_ node: Node) throws(ConfigFileError) -> DoctorAdapter.Options {
            let key = "event_sources.doctor"
            let fields = try mapping(node, key, keys: ["host_fault_types", "interface_fault_types"])
            var options = DoctorAdapter.Options()
            if let value = fields["host_fault_types"] {
                options.hostFaultTypes = Set(try strings(value, "\(key).host_fault_types"))
            }
            if let value = fields["interface_fault_types"] {
                options.interfaceFaultTypes = Set(try strings(value, "\(key).interface_fault_types"))
            }
            return options
        }
    }
}

/// Why a config file cannot be used: `PATH, line N: key.path: what is wrong`.
public struct ConfigFileError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var line: Int?
    public var message: String

    public init(path: String, line: Int? = nil, _ message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    public var description: String { path + (line.map { ", line \($0)" } ?? "") + ": " + message }
}
