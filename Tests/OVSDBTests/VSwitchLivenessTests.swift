import Foundation
import Logging
import OVSDB
import Testing

/// ovs-vswitchd's liveness read from its database, against the real daemons: ovsdb-server, and
/// ovs-vswitchd on a database with no bridge (so it creates no device and needs no kernel module).
@Suite(.enabled(if: OVSDBServer.shouldRun, OVSDBServer.skipMessage))
struct VSwitchLivenessTests {
    let logger = Logger(label: "ovsdb-tests")

    func waitForProbe(
        _ client: OVSDBClient, _ what: String, bumpConfiguration: Bool = true, timeout: Duration = .seconds(5),
        until condition: (VSwitchLiveness) -> Bool
    ) async throws -> VSwitchLiveness {
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            let liveness = await client.probeVSwitch(timeout: timeout, bumpConfiguration: bumpConfiguration)
            if condition(liveness) { return liveness }
            guard ContinuousClock.now < deadline else { throw FixtureError("gave up waiting for \(what): \(liveness)") }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    static func liveness(_ events: [OVSDBMonitorEvent]) -> [VSwitchLiveness] {
        events.compactMap { if case .vswitchLiveness(let value) = $0 { value } else { nil } }
    }

    static func isNotServing(_ liveness: VSwitchLiveness, _ word: String) -> Bool {
        if case .notServing(let reason) = liveness { reason.contains(word) } else { false }
    }

    @Test func probeFollowsOvsVswitchdStartingHangingAndStopping() async throws {
        let server = try OVSDBServer()
        let client = try await OVSDBClient.connect(to: server.unixEndpoint, logger: logger)
        defer { client.close() }

        // Never started: nobody holds the ovs_vswitchd lock.
        #expect(Self.isNotServing(await client.probeVSwitch(), "lock"))

        try server.startVSwitch()
        _ = try await waitForProbe(client, "serving after start") { $0 == .serving }

        // Connected but not running (SIGSTOP): it keeps its lock, but cur_cfg does not follow
        // next_cfg. Only the configuration bump tells.
        let pid = try #require(server.vswitchPID)
        kill(pid, SIGSTOP)
        #expect(await client.probeVSwitch(bumpConfiguration: false) == .serving)
        #expect(Self.isNotServing(await client.probeVSwitch(timeout: .seconds(2)), "cur_cfg"))
        kill(pid, SIGCONT)
        _ = try await waitForProbe(client, "serving after SIGCONT") { $0 == .serving }

        // Stopped: its lock is free again (ovsdb-server releases it with the connection).
        server.stopVSwitch()
        _ = try await waitForProbe(client, "not serving after exit", bumpConfiguration: false) {
            Self.isNotServing($0, "lock")
        }
    }

    @Test func monitorReportsLivenessChanges() async throws {
        let server = try OVSDBServer()
        let monitor = OVSDBMonitor(
            endpoint: server.unixEndpoint,
            configuration: .init(
                backoff: ReconnectBackoff(initial: .milliseconds(100), maximum: .seconds(1)),
                livenessProbe: .init(interval: .milliseconds(200), timeout: .seconds(5))),
            logger: logger)
        let recorder = EventRecorder(monitor)
        let task = Task { try await monitor.run() }
        defer { task.cancel() }

        _ = try await recorder.wait(for: "not serving") {
            Self.liveness($0).last.map { Self.isNotServing($0, "lock") } == true
        }
        try server.startVSwitch()
        _ = try await recorder.wait(for: "serving") { Self.liveness($0).last == .serving }
        server.stopVSwitch()
        let events = try await recorder.wait(for: "not serving again") {
            Self.liveness($0).last.map { Self.isNotServing($0, "lock") } == true
        }
        // Only changes are reported (never the same verdict twice in a row). On a busy machine
        // ovs-vswitchd may hold its lock a moment before it applies the configuration, which is a
        // second, different "not serving" on the way up: the verdicts, runs merged, are the three.
        let verdicts = Self.liveness(events)
        #expect(zip(verdicts, verdicts.dropFirst()).allSatisfy { $0 != $1 }, "only changes: \(verdicts)")
        var runs: [Bool] = []
        for verdict in verdicts {
            let serving = verdict == .serving
            if runs.last != serving { runs.append(serving) }
        }
        #expect(runs == [false, true, false], "\(verdicts)")
        #expect(!events.contains { if case .connection(.disconnected) = $0 { true } else { false } })
    }

    @Test(
        .enabled(if: OVSDBServer.canUnshareNetwork, "needs unshare(1) to give ovs-vswitchd its own network namespace"))
    func aStoppedVSwitchLeavesItsInterfaceRowsAsTheyWere() async throws {
        let server = try OVSDBServer()
        try server.vsctl("add-br", "pwbr", "--", "set", "Bridge", "pwbr", "datapath_type=netdev")
        try server.vsctl(
            "add-port", "pwbr", "pwtap1", "--", "set", "Interface", "pwtap1", "type=internal",
            "external_ids:iface-id=2b5fa8a4-6a8e-4c1b-9d55-5c9a2f4d1e01")
        try server.startVSwitch(privateNetwork: true)
        let monitor = OVSDBMonitor(endpoint: server.unixEndpoint, logger: logger)
        let recorder = EventRecorder(monitor)
        let task = Task { try await monitor.run() }
        defer { task.cancel() }
        let running = try await recorder.wait(for: "ovs-vswitchd to add pwtap1") {
            $0.interfaceView["pwtap1"]?.ofport == 1 && $0.interfaceView["pwtap1"]?.linkState != nil
        }
        let before = try #require(running.interfaceView["pwtap1"])

        let pid = try #require(server.vswitchPID)
        kill(pid, SIGKILL)
        let client = try await OVSDBClient.connect(to: server.unixEndpoint, logger: logger)
        defer { client.close() }
        _ = try await waitForProbe(client, "not serving after kill -9", bumpConfiguration: false) {
            Self.isNotServing($0, "lock")
        }

        // What ovs-vswitchd wrote stays: nothing in the Interface row says it is gone.
        #expect(try server.vsctl("get", "Interface", "pwtap1", "ofport") == "1")
        #expect(try server.vsctl("get", "Interface", "pwtap1", "link_state") == before.linkState?.rawValue)
        #expect(try server.vsctl("get", "Interface", "pwtap1", "error") == "[]")
        let after = await recorder.events.interfaceView["pwtap1"]
        #expect(after == before)
    }
}
