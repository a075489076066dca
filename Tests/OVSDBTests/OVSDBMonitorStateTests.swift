@testable import OVSDB
import Testing

/// Datum decoding and the snapshot/update diffing, without a server.
struct OVSDBMonitorStateTests {
    static let port = "5d0c7c3e-2a6b-4a57-9f3c-0c1f1c0a7b11"

    @Test func decodesAtomsSetsMapsAndUUIDs() throws {
        let ids = try OVSDBDatum(json: [
            "map", [["iface-id", .string(Self.port)], ["attached-mac", "fa:16:3e:00:00:01"]],
        ])
        #expect(ids.stringMap == ["iface-id": Self.port, "attached-mac": "fa:16:3e:00:00:01"])
        #expect(try OVSDBDatum(json: ["set", []]).integer == nil)
        #expect(try OVSDBDatum(json: ["set", []]).string == nil)
        #expect(try OVSDBDatum(json: ["set", ["down"]]).string == "down")
        #expect(try OVSDBDatum(json: 7).integer == 7)
        #expect(try OVSDBDatum(json: "up").string == "up")
        #expect(
            try OVSDBDatum(json: ["uuid", "0d750133-6179-4779-8bed-19de48c10879"]).uuid
                == "0d750133-6179-4779-8bed-19de48c10879")
        #expect(try OVSDBDatum(json: ["set", [["uuid", "a"], ["uuid", "b"]]]).atoms == [.uuid("a"), .uuid("b")])
        #expect(try OVSDBDatum(json: true) == .atom(.boolean(true)))
        #expect(try OVSDBDatum(json: 1.5) == .atom(.real(1.5)))
        #expect(throws: OVSDBError.self) { try OVSDBDatum(json: ["map", [["only-key"]]]) }
        #expect(throws: OVSDBError.self) { try OVSDBDatum(json: ["bogus", "x"]) }
        #expect(throws: OVSDBError.self) { try OVSDBDatum(json: nil) }
    }

    @Test func decodesAnInterfaceRow() throws {
        let updates = try OVSDBTableUpdates(
            json: try JSONValue(
                decoding: Array(
                    #"""
                    {"Interface":{"u1":{"new":{"name":"tap1","type":"internal","link_state":"down",
                    "admin_state":"up","ofport":3,"error":["set",[]],
                    "external_ids":["map",[["iface-id","5d0c7c3e-2a6b-4a57-9f3c-0c1f1c0a7b11"]]]}}}}
                    """#.utf8)))
        let row = try #require(updates.tables["Interface"]?["u1"]?.new)
        let interface = OVSInterface(uuid: "u1", row: row)
        #expect(
            interface
                == OVSInterface(
                    uuid: "u1", name: "tap1", type: "internal", linkState: .down, adminState: .up, ofport: 3,
                    externalIDs: ["iface-id": Self.port]))
        #expect(interface.neutronPortID == Self.port)
    }

    static func row(_ name: String, linkState: String? = nil, port: String? = nil) -> OVSDBRow {
        var row: OVSDBRow = ["name": .atom(.string(name)), "type": .atom(.string("internal"))]
        row["link_state"] = linkState.map { .atom(.string($0)) } ?? .set([])
        row["external_ids"] = .map(port.map { [.string("iface-id"): .string($0)] } ?? [:])
        return row
    }

    static func snapshot(_ rows: [String: OVSDBRow], curCfg: Int = 0, nextCfg: Int = 0) -> OVSDBTableUpdates {
        OVSDBTableUpdates(tables: [
            "Interface": rows.mapValues { OVSDBRowUpdate(old: nil, new: $0) },
            "Open_vSwitch": [
                "s": OVSDBRowUpdate(
                    old: nil,
                    new: [
                        "cur_cfg": .atom(.integer(curCfg)), "next_cfg": .atom(.integer(nextCfg)),
                        "external_ids": .map([:]),
                    ])
            ],
        ])
    }

    @Test func aFreshSnapshotIsDiffedAgainstWhatWasReported() {
        var state = OVSDBMonitorState()
        let first = state.replace(with: Self.snapshot(["a": Self.row("tap1", port: Self.port), "b": Self.row("tap2")]))
        #expect(first.count == 3, "two added, the Open_vSwitch row: \(first)")

        let second = state.replace(
            with: Self.snapshot(["a": Self.row("tap1", linkState: "down", port: Self.port), "c": Self.row("tap3")]))
        #expect(
            second == [
                .interfaceRemoved(OVSInterface(uuid: "b", name: "tap2", type: "internal")),
                .interfaceChanged(
                    old: OVSInterface(uuid: "a", name: "tap1", type: "internal", externalIDs: ["iface-id": Self.port]),
                    new: OVSInterface(
                        uuid: "a", name: "tap1", type: "internal", linkState: .down,
                        externalIDs: ["iface-id": Self.port])),
                .interfaceAdded(OVSInterface(uuid: "c", name: "tap3", type: "internal")),
            ])
        #expect(
            state.replace(
                with: Self.snapshot(["a": Self.row("tap1", linkState: "down", port: Self.port), "c": Self.row("tap3")]))
                == [])
    }

    @Test func updatesWithOnlyChangedColumnsMergeOntoTheRow() {
        var state = OVSDBMonitorState()
        _ = state.replace(with: Self.snapshot(["a": Self.row("tap1", port: Self.port)]))
        let events = state.apply(
            OVSDBTableUpdates(tables: [
                "Interface": [
                    "a": OVSDBRowUpdate(old: ["link_state": .set([])], new: ["link_state": .atom(.string("up"))])
                ],
                "Open_vSwitch": ["s": OVSDBRowUpdate(old: nil, new: ["next_cfg": .atom(.integer(1))])],
            ]))
        #expect(events.count == 2)
        guard case .interfaceChanged(_, let new) = events.first else {
            Issue.record("\(events)")
            return
        }
        #expect(new.linkState == .up)
        #expect(new.neutronPortID == Self.port, "columns not in the update are kept")
        #expect(events.last == .openVSwitchChanged(OpenVSwitchRow(uuid: "s", curCfg: 0, nextCfg: 1)))

        let removed = state.apply(
            OVSDBTableUpdates(tables: ["Interface": ["a": OVSDBRowUpdate(old: Self.row("tap1"), new: nil)]]))
        #expect(removed.count == 1)
        #expect(state.interfaces.isEmpty)
    }

    @Test func passiveLivenessOnlyEverSaysNotServingOrUnknown() {
        let lagging = OpenVSwitchRow(uuid: "s", curCfg: 4, nextCfg: 5)
        #expect(
            VSwitchLiveness.assess(lagging, laggingFor: .seconds(30), bound: .seconds(10))
                == .notServing(reason: VSwitchLiveness.Reason.configurationNotApplied))
        if case .unknown = VSwitchLiveness.assess(lagging, laggingFor: .seconds(1), bound: .seconds(10)) {
        } else {
            Issue.record("too early to tell")
        }
        if case .unknown = VSwitchLiveness.assess(
            OpenVSwitchRow(uuid: "s", curCfg: 5, nextCfg: 5), laggingFor: nil, bound: .seconds(10))
        {
        } else {
            Issue.record("caught up says nothing")
        }
    }
}

struct ReconnectBackoffTests {
    @Test func delaysDoubleUpToTheCapAndStartOverAfterReset() {
        var backoff = ReconnectBackoff(initial: .milliseconds(100), maximum: .milliseconds(800))
        let steps: [Duration] = [
            .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .milliseconds(800),
        ]
        for step in steps {
            let delay = backoff.next()
            #expect(delay >= step / 2 && delay <= step, "\(delay) within the upper half of \(step)")
        }
        backoff.reset()
        #expect(backoff.next() <= .milliseconds(100))
    }
}
