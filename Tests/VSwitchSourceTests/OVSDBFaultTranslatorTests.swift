import Foundation
import OVSDB
import PortwatchCore
import Testing

@testable import VSwitchSource

struct OVSDBFaultTranslatorTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func tap(_ name: String, port: String?, link: OVSInterface.LinkState?, type: String = "") -> OVSInterface {
        OVSInterface(
            uuid: "u-\(name)", name: name, type: type, linkState: link, adminState: .up, ofport: 1, error: nil,
            externalIDs: port.map { ["iface-id": $0, "attached-mac": "fa:16:3e:00:00:01"] } ?? [:])
    }

    @Test func tapsNICsAndTheVSwitchBecomeEvents() {
        var translator = OVSDBFaultTranslator(hostID: "compute-1")
        #expect(translator.translate(.connection(.connected), now: now).isEmpty)
        let up = tap("tap1", port: "p1", link: .up)
        var events = translator.translate(.interfaceAdded(up), now: now)
        #expect(events.map(\.resource) == [.vif("p1")])
        #expect(events.first?.state == .up)
        #expect(events.first?.source == "ovsdb:compute-1")
        events = translator.translate(.interfaceChanged(old: up, new: tap("tap1", port: "p1", link: .down)), now: now)
        #expect(events.map(\.state) == [.down])
        #expect(events.first?.reason == "tap tap1 link_state down")
        // A change of another column is no event.
        var other = up
        other.ofport = 7
        #expect(translator.translate(.interfaceChanged(old: up, new: other), now: now).isEmpty)
        // Removing a tap clears its port's interface: the VM went, the network did not fail.
        #expect(translator.translate(.interfaceRemoved(up), now: now).map(\.state) == [.up])

        let nic = tap("eth1", port: nil, link: .down, type: "system")
        #expect(translator.translate(.interfaceAdded(nic), now: now).map(\.resource) == [.hostNIC("compute-1:eth1")])
        #expect(translator.translate(.interfaceAdded(tap("vxlan-0a000001", port: nil, link: .up, type: "vxlan")), now: now).isEmpty)
        #expect(translator.translate(.interfaceAdded(tap("br-int", port: nil, link: .up, type: "internal")), now: now).isEmpty)
        #expect(translator.translate(.interfaceAdded(tap("tap9", port: "p9", link: nil)), now: now).isEmpty)

        events = translator.translate(.vswitchLiveness(.notServing(reason: "lock free")), now: now)
        #expect(events.map(\.resource) == [.vswitch("compute-1")])
        #expect(events.first?.state == .down)
        #expect(translator.translate(.vswitchLiveness(.serving), now: now).map(\.state) == [.up])
        #expect(translator.translate(.vswitchLiveness(.unknown(reason: "no connection")), now: now).isEmpty)
        // Losing the connection is not a fault.
        #expect(translator.translate(.connection(.disconnected(reason: "reset")), now: now).isEmpty)
    }

    @Test func theHostComesFromTheDatabaseWhenNotGiven() {
        var translator = OVSDBFaultTranslator()
        #expect(translator.translate(.interfaceAdded(tap("tap1", port: "p1", link: .down)), now: now).isEmpty)
        let row = OpenVSwitchRow(uuid: "ovs", curCfg: 1, nextCfg: 1, externalIDs: ["hostname": "compute-7"])
        let events = translator.translate(.openVSwitchChanged(row), now: now)
        #expect(translator.hostID == "compute-7")
        #expect(events.map(\.resource) == [.vif("p1")], "what waited for the host is reported")
        #expect(events.first?.source == "ovsdb:compute-7")
    }

    @Test func targetsParse() throws {
        let explicit = try OVSDBTarget(parsing: "compute-1=tcp:10.0.0.5:6640")
        #expect(explicit.hostID == "compute-1")
        let bare = try OVSDBTarget(parsing: "unix:/run/openvswitch/db.sock")
        #expect(bare.hostID == nil)
        #expect(throws: OVSDBError.self) { try OVSDBTarget(parsing: "compute-1=bogus") }
    }
}
