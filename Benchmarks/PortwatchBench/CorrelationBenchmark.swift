import FaultCorrelation
import Foundation
import Logging
import PortwatchCore
import PortwatchStore

/// Fault → committed ports, through the real store: SQLite (synchronous FULL), outbox, audit.
///
/// Fabric: 40 switches (2 spines, 38 leaves each uplinked to both spines), 1,000 hosts on 25 of
/// the leaves (40 single-homed hosts per leaf), 50 ports per host: 50,000 ports.
/// Scenarios: a leaf fails (2,000 ports DOWN) and recovers; spine-1 fails (50,000 ports degraded,
/// audit only), spine-2 fails too (50,000 ports DOWN), both recover.
enum CorrelationBenchmark {
    static func run(path: String) async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = ProcessInfo.processInfo.environment["PORTWATCH_BENCH_DEBUG"] == nil ? .warning : .debug
        let synchronous =
            SQLiteStore.Synchronous(
                rawValue: ProcessInfo.processInfo.environment["PORTWATCH_SQLITE_SYNCHRONOUS"] ?? "FULL") ?? .full
        let repository = try await Repository(
            backend: try SQLiteStore(path: path, synchronous: synchronous), logger: logger)
        let writer = Task { await repository.runWriter() }
        let document = fabric()
        let started = Date()
        let identity = Identity.noauth(requestID: "req-bench")
        let networkID = try await repository.write { changes in
            var input = NetworkInput()
            input.name = "physnet1-vlan"
            input.networkType = "vlan"
            input.physicalNetwork = "physnet1"
            input.segmentationID = 100
            return try changes.createNetworks([input], request: .null, bulk: false, by: AccessPolicy(identity))[0].id
        }
        for host in document.hosts {
            var inputs: [PortInput] = []
            for index in 0..<50 {
                var input = PortInput()
                input.networkID = networkID
                input.name = "\(host.id)-\(index)"
                input.bindingHostID = host.id
                inputs.append(input)
            }
            _ = try await repository.write { changes in
                try changes.createPorts(inputs, request: .null, bulk: true, by: AccessPolicy(identity))
            }
        }
        let body = [UInt8](try JSONEncoder().encode(document))
        try await repository.write { changes in changes.putDocument(kind: "topology", id: "current", body: body) }
        print(String(format: "seeded 50,000 ports in %.1f s", Date().timeIntervalSince(started)))
        let attachStart = Date()
        let correlation = try await CorrelationService(
            repository: repository, options: .init(holdDown: 0), logger: logger)
        print(
            String(
                format: "correlation service start (attach 50,000 ports): %.0f ms",
                Date().timeIntervalSince(attachStart) * 1000))

        let scenarios: [(String, [(String, FaultState)])] = [
            ("leaf-01 down (2,000 ports DOWN)", [("leaf-01", .down)]),
            ("leaf-01 up (2,000 ports ACTIVE)", [("leaf-01", .up)]),
            ("spine-1 down (50,000 ports degraded, audit only)", [("spine-1", .down)]),
            ("spine-2 down (50,000 ports DOWN)", [("spine-2", .down)]),
            ("spine-2 up (50,000 ports ACTIVE)", [("spine-2", .up)]),
            ("spine-1 up (50,000 ports back from degraded)", [("spine-1", .up)]),
        ]
        for (name, events) in scenarios {
            let before = repository.lastOutboxSequence
            let clock = ContinuousClock.now
            let submission = try await correlation.submit(
                events.map {
                    FaultEvent(resource: .switch($0.0), state: $0.1, time: Date(), source: "bench")
                })
            let elapsed = ContinuousClock.now - clock
            let records = repository.lastOutboxSequence - before
            print(
                "\(name): \(submission.result.changes.count) port states, \(records) outbox records, committed in \(elapsed.formatted(.units(allowed: [.milliseconds], fractionalPart: .show(length: 1))))"
            )
        }
        print("peak RSS: \(peakRSS())")
        writer.cancel()
        _ = await writer.value
    }

    static func fabric() -> TopologyDocument {
        var switches: [PhysicalSwitch] = []
        var hosts: [PhysicalHost] = []
        var links: [PhysicalLink] = []
        for spine in 1...2 {
            switches.append(
                PhysicalSwitch(
                    id: "spine-\(spine)", role: .spine, ports: (1...38).map { SwitchPort(name: "Ethernet\($0)") }))
        }
        for leaf in 1...38 {
            let leafID = String(format: "leaf-%02d", leaf)
            switches.append(
                PhysicalSwitch(
                    id: leafID, role: .leaf,
                    ports: (1...40).map { SwitchPort(name: "Ethernet\($0)") } + [
                        SwitchPort(name: "Ethernet49"), SwitchPort(name: "Ethernet50"),
                    ]))
            for spine in 1...2 {
                links.append(
                    PhysicalLink(
                        a: .switchPort(switchID: leafID, port: "Ethernet\(48 + spine)"),
                        b: .switchPort(switchID: "spine-\(spine)", port: "Ethernet\(leaf)")))
            }
            guard leaf <= 25 else { continue }
            for slot in 1...40 {
                let hostID = String(format: "compute-%02d-%02d", leaf, slot)
                hosts.append(
                    PhysicalHost(
                        id: hostID, nics: [HostNIC(name: "eth0")], physnetMappings: ["physnet1": "eth0"],
                        tunnelInterface: "eth0"))
                links.append(
                    PhysicalLink(
                        a: .switchPort(switchID: leafID, port: "Ethernet\(slot)"),
                        b: .hostNIC(hostID: hostID, nic: "eth0")))
            }
        }
        return TopologyDocument(switches: switches, hosts: hosts, links: links)
    }

    static func peakRSS() -> String {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        return status.split(separator: "\n").first { $0.hasPrefix("VmHWM") }.map {
            String($0.dropFirst(6)).trimmingCharacters(in: .whitespaces)
        } ?? "?"
    }
}
