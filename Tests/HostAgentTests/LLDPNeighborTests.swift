import Foundation
import Testing

@testable import HostAgent

struct LLDPNeighborTests {
    /// lldpcli's `json` with one interface: an object keyed by interface, chassis keyed by name.
    static let one = #"""
        {"lldp": {"interface": {"eth0": {"via": "LLDP", "rid": "1", "age": "0 day, 00:01:02",
          "chassis": {"leaf-1": {"id": {"type": "mac", "value": "52:54:00:0a:00:01"}, "descr": "SONiC",
                                 "capability": [{"type": "Bridge", "enabled": true}]}},
          "port": {"id": {"type": "ifname", "value": "Ethernet1"}, "descr": "Ethernet1", "ttl": "120"}}}}}
        """#

    /// `json` with several interfaces: a list of one-key objects; a chassis without a name.
    static let several = #"""
        {"lldp": {"interface": [
          {"eth0": {"via": "LLDP", "chassis": {"leaf-1": {"id": {"type": "mac", "value": "52:54:00:0a:00:01"}}},
                    "port": {"id": {"type": "ifname", "value": "Ethernet1"}}}},
          {"eth1": {"via": "LLDP", "chassis": {"id": {"type": "mac", "value": "52:54:00:0a:00:02"}},
                    "port": {"id": {"type": "local", "value": "14"}, "descr": "Ethernet2"}}}]}}
        """#

    /// `json0`: lists everywhere, names and values as fields.
    static let json0 = #"""
        {"lldp": [{"interface": [
          {"name": "eth0", "via": "LLDP",
           "chassis": [{"id": [{"type": "mac", "value": "52:54:00:0a:00:01"}], "name": [{"value": "leaf-1"}]}],
           "port": [{"id": [{"type": "ifname", "value": "Ethernet1"}], "descr": [{"value": "Ethernet1"}]}]}]}]}
        """#

    @Test func bothShapesOfLldpcliAreRead() throws {
        let one = try LLDPNeighbor.parse(Data(Self.one.utf8))
        #expect(one.count == 1)
        #expect(one.first?.interface == "eth0")
        #expect(one.first?.systemName == "leaf-1")
        #expect(one.first?.chassisID == "52:54:00:0a:00:01")
        #expect(one.first?.portID == "Ethernet1")

        let several = try LLDPNeighbor.parse(Data(Self.several.utf8))
        #expect(several.map(\.interface) == ["eth0", "eth1"])
        #expect(several[1].systemName == nil)
        #expect(several[1].switchName == "52:54:00:0a:00:02")
        #expect(several[1].portDescription == "Ethernet2")

        let json0 = try LLDPNeighbor.parse(Data(Self.json0.utf8))
        #expect(json0 == one.map { var n = $0; n.portDescription = "Ethernet1"; return n })

        #expect(try LLDPNeighbor.parse(Data(#"{"lldp": {}}"#.utf8)).isEmpty)
        #expect(try LLDPNeighbor.parse(Data(#"{"lldp": [{}]}"#.utf8)).isEmpty)
        #expect(throws: (any Error).self) { try LLDPNeighbor.parse(Data("not json".utf8)) }
        #expect(throws: LLDPError.self) { try LLDPNeighbor.parse(Data(#"{"other": 1}"#.utf8)) }
    }

    @Test func theReportNamesSwitchAndPort() throws {
        let body = LLDPReporter.body(try LLDPNeighbor.parse(Data(Self.several.utf8)))
        let links = body["learned_links"] as? [[String: String]]
        #expect(links?.first == ["nic": "eth0", "switch": "leaf-1", "port": "Ethernet1", "chassis_id": "52:54:00:0a:00:01"])
        #expect(links?.last == ["nic": "eth1", "switch": "52:54:00:0a:00:02", "port": "14", "port_description": "Ethernet2"])
    }
}
