import Foundation
import PortwatchCore

/// Maps SDN controllers' OpenFlow device and port names onto topology switches and switch ports.
///
/// A device id (`of:00005254000a0001` in ONOS, `openflow:90520731385857` in OpenDaylight)
/// matches, in this order:
/// 1. an explicit entry of ``deviceSwitchIDs``;
/// 2. a switch whose id, name or chassis MAC is the device id as written;
/// 3. a switch whose id or name is the 16-hex-digit datapath id (`00005254000a0001`);
/// 4. a switch whose chassis MAC is the datapath id's low 48 bits (`52:54:00:0a:00:01`), the
///    usual way switches derive their datapath id.
///
/// A port matches by its name (ONOS `annotations.portName`, OpenDaylight `name`), then by its
/// number taken as a port name or id, then by each of ``portNameTemplates`` with `{n}` replaced
/// by the number (`"Ethernet{n}"` maps port 5 to `Ethernet5`).
public struct OpenFlowDeviceMatcher: Sendable, Hashable {
    /// Controller device id → topology switch id, for switches the other rules do not find.
    public var deviceSwitchIDs: [String: String]
    /// Port-name patterns tried with the OpenFlow port number (`{n}`); none by default, since
    /// numbering differs between vendors.
    public var portNameTemplates: [String]

    /// Creates a matcher.
    public init(deviceSwitchIDs: [String: String] = [:], portNameTemplates: [String] = []) {
        self.deviceSwitchIDs = deviceSwitchIDs
        self.portNameTemplates = portNameTemplates
    }

    /// The 16 lowercase hex digits of the datapath id in an ONOS (`of:<hex>`) or OpenDaylight
    /// (`openflow:<decimal>`) device id.
    public static func datapathID(ofDevice device: String) -> String? {
        let lowered = device.lowercased()
        if lowered.hasPrefix("of:") {
            let hex = lowered.dropFirst(3)
            guard !hex.isEmpty, hex.count <= 16, hex.allSatisfy(\.isHexDigit) else { return nil }
            return String(repeating: "0", count: 16 - hex.count) + hex
        }
        if lowered.hasPrefix("openflow:"), let number = UInt64(lowered.dropFirst(9)) {
            let hex = String(number, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }
        return nil
    }

    /// The topology switch of a controller device, or nil.
    func switchID(ofDevice device: String, in names: TopologyNames) -> String? {
        if let explicit = deviceSwitchIDs[device], names.topology.physicalSwitch(explicit) != nil { return explicit }
        if let id = names.topology.switchID(matching: device) { return id }
        guard let datapath = Self.datapathID(ofDevice: device) else { return nil }
        if let id = names.topology.switchID(matching: datapath) { return id }
        return names.topology.switchID(matching: String(datapath.suffix(12)))
    }

    /// The topology id of a switch's port, from its name and/or OpenFlow number.
    func switchPortID(switchID: String, number: String?, name: String?, in topology: Topology) -> String? {
        if let name, let id = topology.switchPortID(switchID: switchID, port: name) { return id }
        guard let number else { return nil }
        if let id = topology.switchPortID(switchID: switchID, port: number) { return id }
        for template in portNameTemplates {
            let candidate = template.replacingOccurrences(of: "{n}", with: number)
            if let id = topology.switchPortID(switchID: switchID, port: candidate) { return id }
        }
        return nil
    }

    /// A port number as ONOS writes it: `"5"`, or `"[Ethernet5](5)"` for a named port; returns
    /// the number and the name.
    static func splitPortNumber(_ text: String) -> (number: String, name: String?) {
        guard text.hasPrefix("["), let close = text.firstIndex(of: "]"), text[close...].hasPrefix("]("),
            text.hasSuffix(")")
        else { return (text, nil) }
        let name = String(text[text.index(after: text.startIndex)..<close])
        let number = String(text[text.index(close, offsetBy: 2)..<text.index(before: text.endIndex)])
        return (number, name)
    }
}
