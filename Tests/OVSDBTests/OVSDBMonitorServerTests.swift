import Foundation
import Logging
import OVSDB
import Testing

/// The client and the monitor against a real ovsdb-server (no ovs-vswitchd: `link_state` is set
/// through the database, which accepts it when no ovs-vswitchd overwrites it).
@Suite(.enabled(if: OVSDBServer.shouldRun, OVSDBServer.skipMessage))
struct OVSDBMonitorServerTests {
    static let port1 = "2b5fa8a4-6a8e-4c1b-9d55-5c9a2f4d1e01"
    static let port2 = "2b5fa8a4-6a8e-4c1b-9d55-5c9a2f4d1e02"
    static let port3 = "2b5fa8a4-6a8e-4c1b-9d55-5c9a2f4d1e03"

    let logger = Logger(label: "ovsdb-tests")

    /// A server with br-int (userspace datapath) and a tap per given Neutron port id.
    func makeServer(taps: [(String, String)]) throws -> OVSDBServer {
        let server = try OVSDBServer()
        try server.vsctl(
            "set", "Open_vSwitch", ".", "external_ids:system-id=chassis-7", "external_ids:hostname=compute-7")
        try server.vsctl("add-br", "br-int", "--", "set", "Bridge", "br-int", "datapath_type=netdev")
        for (name, port) in taps {
            try server.vsctl(
                "add-port", "br-int", name, "--", "set", "Interface", name, "type=internal",
                "external_ids:iface-id=\(port)")
        }
        return server
    }

    func startMonitor(_ endpoint: OVSDBEndpoint) -> (OVSDBMonitor, EventRecorder, Task<Void, any Error>) {
        let monitor = OVSDBMonitor(
            endpoint: endpoint,
            configuration: .init(backoff: ReconnectBackoff(initial: .milliseconds(100), maximum: .seconds(1))),
            logger: logger)
        let recorder = EventRecorder(monitor)
        let task = Task { try await monitor.run() }
        return (monitor, recorder, task)
    }

    @Test func clientSpeaksRFC7047OverTCPAndUnix() async throws {
        let server = try makeServer(taps: [("tap1", Self.port1)])
        for endpoint in [server.unixEndpoint, server.tcpEndpoint] {
            let client = try await OVSDBClient.connect(to: endpoint, logger: logger)
            defer { client.close() }
            #expect(try await client.listDatabases().contains("Open_vSwitch"))
            let schema = try await client.schema(of: "Open_vSwitch")
            #expect(schema.name == "Open_vSwitch")
            #expect(schema.tables["Interface"]?.isSuperset(of: OVSInterface.monitoredColumns) == true)
            try await client.echo()
            let results = try await client.transact(
                database: "Open_vSwitch",
                operations: [
                    ["op": "select", "table": "Interface", "where": [["name", "==", "tap1"]], "columns": ["name"]]
                ])
            #expect(results == [["rows": [["name": "tap1"]]]])
            await #expect {
                try await client.transact(
                    database: "Open_vSwitch", operations: [["op": "select", "table": "NoSuchTable", "where": []]])
            } throws: { error in
                (error as? OVSDBError)?.code == .transactionFailed
            }
        }
    }

    @Test func callsAfterTheServerWentAwayFailAsConnectionClosed() async throws {
        let server = try makeServer(taps: [])
        let client = try await OVSDBClient.connect(to: server.unixEndpoint, logger: logger)
        server.stop()
        await client.closed()
        await #expect {
            try await client.echo()
        } throws: { ($0 as? OVSDBError)?.code == .connectionClosed }
        await #expect {
            for try await _ in client.notifications {}
        } throws: { ($0 as? OVSDBError)?.code == .connectionClosed }
    }

    @Test func snapshotReportsInterfacesAndTheOpenVSwitchRow() async throws {
        let server = try makeServer(taps: [("tap1", Self.port1), ("tap2", Self.port2)])
        let (_, recorder, task) = startMonitor(server.unixEndpoint)
        defer { task.cancel() }
        let events = try await recorder.wait(for: "connected") { $0.connectedCount == 1 }

        let view = events.interfaceView
        #expect(Set(view.keys) == ["br-int", "tap1", "tap2"])
        #expect(view["tap1"]?.neutronPortID == Self.port1)
        #expect(view["tap1"]?.type == "internal")
        #expect(view["tap2"]?.neutronPortID == Self.port2)
        #expect(view["tap1"]?.linkState == nil, "no ovs-vswitchd has written link_state")
        #expect(view["tap1"]?.ofport == nil)
        let switches = events.compactMap { event -> OpenVSwitchRow? in
            if case .openVSwitchChanged(let row) = event { return row }
            return nil
        }
        #expect(switches.last?.systemID == "chassis-7")
        #expect(switches.last?.hostname == "compute-7")
        #expect(events.last == .connection(.connected), "the snapshot is reported before connected")
    }

    @Test func linkStateChangeArrivesAsAnUpdateWithTheNeutronPort() async throws {
        let server = try makeServer(taps: [("tap1", Self.port1), ("tap2", Self.port2)])
        let (_, recorder, task) = startMonitor(server.unixEndpoint)
        defer { task.cancel() }
        _ = try await recorder.wait(for: "connected") { $0.connectedCount == 1 }

        try server.vsctl("set", "Interface", "tap1", "link_state=down", "ofport=7")
        let events = try await recorder.wait(for: "tap1 down") { events in
            events.contains { if case .interfaceChanged(_, let new) = $0 { new.linkState == .down } else { false } }
        }
        guard case .interfaceChanged(let old, let new) = events.last else {
            Issue.record("expected the change last, got \(events)")
            return
        }
        #expect(old.linkState == nil)
        #expect(new.name == "tap1")
        #expect(new.neutronPortID == Self.port1)
        #expect(new.ofport == 7)

        try server.vsctl("set", "Interface", "tap1", "link_state=up", "error=\"could not open network device tap1\"")
        let after = try await recorder.wait(for: "tap1 up") { $0.interfaceView["tap1"]?.linkState == .up }
        #expect(after.interfaceView["tap1"]?.error == "could not open network device tap1")
        #expect(after.interfaceView["tap2"]?.linkState == nil, "tap2 untouched")
    }

    @Test func removedPortIsReportedRemoved() async throws {
        let server = try makeServer(taps: [("tap1", Self.port1), ("tap2", Self.port2)])
        let (_, recorder, task) = startMonitor(server.unixEndpoint)
        defer { task.cancel() }
        _ = try await recorder.wait(for: "connected") { $0.connectedCount == 1 }

        try server.vsctl("del-port", "br-int", "tap2")
        let events = try await recorder.wait(for: "tap2 removed") { events in
            events.contains { if case .interfaceRemoved(let old) = $0 { old.name == "tap2" } else { false } }
        }
        guard case .interfaceRemoved(let removed) = events.last else {
            Issue.record("expected the removal last, got \(events)")
            return
        }
        #expect(removed.neutronPortID == Self.port2)
        #expect(Set(events.interfaceView.keys) == ["br-int", "tap1"])
    }

    @Test func connectionLossIsReportedAsStateNotAsRemovedInterfaces() async throws {
        let server = try makeServer(taps: [("tap1", Self.port1)])
        let (_, recorder, task) = startMonitor(server.unixEndpoint)
        defer { task.cancel() }
        let before = try await recorder.wait(for: "connected") { $0.connectedCount == 1 }

        server.stop()
        let down = try await recorder.wait(for: "disconnected and retrying") { events in
            events.contains { if case .connection(.reconnecting(let attempt, _)) = $0 { attempt >= 2 } else { false } }
        }
        let whileDown = down.dropFirst(before.count)
        #expect(whileDown.first.map { if case .connection(.disconnected) = $0 { true } else { false } } == true)
        #expect(whileDown.allSatisfy { if case .connection = $0 { true } else { false } }, "\(whileDown)")
        #expect(whileDown.filter { if case .connection(.disconnected) = $0 { true } else { false } }.count == 1)

        try server.start()
        let back = try await recorder.wait(for: "reconnected") { $0.connectedCount == 2 }
        let afterRestart = back.dropFirst(before.count)
        #expect(
            afterRestart.allSatisfy { if case .connection = $0 { true } else { false } },
            "an unchanged database after a restart reports no interface change: \(afterRestart)")
        #expect(back.interfaceView == before.interfaceView)
    }

    @Test func restartWithChangesReMonitorsAndConverges() async throws {
        let server = try makeServer(taps: [("tap1", Self.port1), ("tap2", Self.port2)])
        let (_, recorder, task) = startMonitor(server.unixEndpoint)
        defer { task.cancel() }
        _ = try await recorder.wait(for: "connected") { $0.connectedCount == 1 }
        try server.vsctl("set", "Interface", "tap1", "link_state=down")
        _ = try await recorder.wait(for: "tap1 down") { $0.interfaceView["tap1"]?.linkState == .down }

        // Change the database while the monitor cannot see it: serve it on another socket.
        server.stop()
        _ = try await recorder.wait(for: "disconnected") { events in
            events.contains { if case .connection(.disconnected) = $0 { true } else { false } }
        }
        let side = server.directory + "/side.sock"
        try server.start(socket: side)
        try server.vsctl("del-port", "br-int", "tap2", socket: side)
        try server.vsctl(
            "add-port", "br-int", "tap3", "--", "set", "Interface", "tap3", "type=internal",
            "external_ids:iface-id=\(Self.port3)", socket: side)
        try server.vsctl("set", "Interface", "tap1", "external_ids:attached-mac=fa:16:3e:00:00:01", socket: side)
        server.stop()
        try server.start()

        let events = try await recorder.wait(for: "reconnected") { $0.connectedCount == 2 }
        let view = events.interfaceView
        #expect(Set(view.keys) == ["br-int", "tap1", "tap3"], "\(events)")
        #expect(view["tap3"]?.neutronPortID == Self.port3)
        #expect(view["tap1"]?.externalIDs["attached-mac"] == "fa:16:3e:00:00:01")
        // link_state is an ephemeral column: ovsdb-server does not keep it across its restart,
        // and it stays empty until ovs-vswitchd writes it again.
        #expect(view["tap1"]?.linkState == nil)

        // The live view after re-monitoring is the database's, and updates keep flowing.
        try server.vsctl("set", "Interface", "tap3", "link_state=up")
        _ = try await recorder.wait(for: "tap3 up after reconnect") { $0.interfaceView["tap3"]?.linkState == .up }
    }

    @Test func aServerThatStopsAnsweringIsDroppedByOurProbeAndReconnected() async throws {
        let server = try makeServer(taps: [("tap1", Self.port1)])
        let monitor = OVSDBMonitor(
            endpoint: server.tcpEndpoint,
            configuration: .init(
                connection: .init(probeInterval: .seconds(1)),
                backoff: ReconnectBackoff(initial: .milliseconds(100), maximum: .seconds(1))),
            logger: logger)
        let recorder = EventRecorder(monitor)
        let task = Task { try await monitor.run() }
        defer { task.cancel() }
        let before = try await recorder.wait(for: "connected") { $0.connectedCount == 1 }

        // A hung server keeps the TCP connection open; only our echo probe notices.
        let pid = try #require(server.pid)
        kill(pid, SIGSTOP)
        let down = try await recorder.wait(for: "dropped by the probe") { events in
            events.contains {
                if case .connection(.disconnected(let reason)) = $0 {
                    reason.contains("inactivityTimeout")
                } else {
                    false
                }
            }
        }
        kill(pid, SIGCONT)
        let back = try await recorder.wait(for: "reconnected") { $0.connectedCount == 2 }
        #expect(back.interfaceView == before.interfaceView)
        #expect(
            back.dropFirst(before.count).allSatisfy { if case .connection = $0 { true } else { false } },
            "\(down)")
    }

    @Test func serverEchoProbesAreAnswered() async throws {
        // ovsdb-server probes an idle TCP connection with "echo" every 5 s and drops it after 10 s
        // without an answer; our own probe is off, so only answering keeps it alive.
        let server = try makeServer(taps: [])
        let client = try await OVSDBClient.connect(
            to: server.tcpEndpoint, configuration: .init(probeInterval: nil), logger: logger)
        defer { client.close() }
        let deadline = ContinuousClock.now + .seconds(60)
        while try await client.serverEchoesAnswered() < 3 {
            guard ContinuousClock.now < deadline else {
                Issue.record("ovsdb-server sent fewer than 3 echo requests within 60 s")
                return
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        try await client.echo()
        #expect(try await client.listDatabases().contains("Open_vSwitch"))
    }
}
