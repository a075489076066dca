import FaultCorrelation
import Foundation
import GRDB
import Logging
import PortwatchCore
import PortwatchStore

/// Fault → committed ports, through the real store: SQLite (synchronous FULL), outbox, audit.
///
/// Fabric for N ports (default 50,000): 2 spines and at least 38 leaves, each leaf uplinked to both
/// spines; N/50 single-homed hosts, 40 per leaf; 50 ports per host (50,000 ports: 1,000 hosts on 25 of
/// 38 leaves). Scenarios: a leaf fails (2,000 ports DOWN) and recovers; spine-1 fails (N ports
/// degraded, audit only), spine-2 fails too (N ports DOWN: the storm), both recover.
///
/// `export`: a JSON file naming the storm's rows (outbox sequences, audit sequences, audit causes) in
/// the database, for the bare-insert yardstick that writes the same rows with the sqlite3 C API.
enum CorrelationBenchmark {
    static let portsPerHost = 50
    static let hostsPerLeaf = 40

    static func run(path: String, ports: Int, export: String?) async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = ProcessInfo.processInfo.environment["PORTWATCH_BENCH_DEBUG"] == nil ? .warning : .debug
        let synchronous =
            SQLiteStore.Synchronous(
                rawValue: ProcessInfo.processInfo.environment["PORTWATCH_SQLITE_SYNCHRONOUS"] ?? "FULL") ?? .full
        // `path` may also be a postgres:// URL: the same storm through PostgresStore (no --export there).
        let backend: any StoreBackend
        var pool: Task<Void, Never>?
        if path.hasPrefix("postgres://") || path.hasPrefix("postgresql://") {
            let store = try PostgresStore(url: path, logger: logger)
            pool = Task { await store.run() }
            backend = store
        } else {
            backend = try SQLiteStore(path: path, synchronous: synchronous)
        }
        defer { pool?.cancel() }
        let repository = try await Repository(backend: backend, logger: logger)
        let writer = Task { await repository.runWriter() }
        let document = fabric(hosts: max(1, ports / portsPerHost))
        let portCount = document.hosts.count * portsPerHost
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
            for index in 0..<portsPerHost {
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
        print(String(format: "seeded %d ports in %.1f s", portCount, Date().timeIntervalSince(started)))
        let attachStart = Date()
        let correlation = try await CorrelationService(
            repository: repository, options: .init(holdDown: 0), logger: logger)
        print(
            String(
                format: "correlation service start (attach %d ports): %.0f ms", portCount,
                Date().timeIntervalSince(attachStart) * 1000))

        let leafPorts = min(portCount, hostsPerLeaf * portsPerHost)
        let scenarios: [(String, [(String, FaultState)])] = [
            ("leaf-01 down (\(leafPorts) ports DOWN)", [("leaf-01", .down)]),
            ("leaf-01 up (\(leafPorts) ports ACTIVE)", [("leaf-01", .up)]),
            ("spine-1 down (\(portCount) ports degraded, audit only)", [("spine-1", .down)]),
            ("spine-2 down (\(portCount) ports DOWN)", [("spine-2", .down)]),
            ("spine-2 up (\(portCount) ports ACTIVE)", [("spine-2", .up)]),
            ("spine-1 up (\(portCount) ports back from degraded)", [("spine-1", .up)]),
        ]
        let inspector = backend is SQLiteStore ? try DatabaseQueue(path: path) : nil
        for (name, events) in scenarios {
            // The server's checkpointer (every 500 ms) keeps the WAL checkpointed between storms.
            try await backend.checkpoint()
            let before = repository.lastOutboxSequence
            let rowsBefore = try await inspector?.read(StormRows.maxima)
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
            if let export, let inspector, let rowsBefore, name.hasPrefix("spine-2 down") {
                let rowsAfter = try await inspector.read(StormRows.maxima)
                let rows = StormRows(
                    outbox: [rowsBefore.outbox, rowsAfter.outbox], audit: [rowsBefore.audit, rowsAfter.audit],
                    causes: [rowsBefore.causes, rowsAfter.causes],
                    milliseconds: Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds)
                        * 1000)
                try JSONEncoder().encode(rows).write(to: URL(fileURLWithPath: export))
            }
        }
        print("peak RSS: \(peakRSS())")
        writer.cancel()
        _ = await writer.value
    }

    static func fabric(hosts hostCount: Int) -> TopologyDocument {
        var switches: [PhysicalSwitch] = []
        var hosts: [PhysicalHost] = []
        var links: [PhysicalLink] = []
        let populatedLeaves = (hostCount + hostsPerLeaf - 1) / hostsPerLeaf
        let leaves = max(38, populatedLeaves)
        for spine in 1...2 {
            switches.append(
                PhysicalSwitch(
                    id: "spine-\(spine)", role: .spine, ports: (1...leaves).map { SwitchPort(name: "Ethernet\($0)") }))
        }
        for leaf in 1...leaves {
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
            guard leaf <= populatedLeaves else { continue }
            for slot in 1...min(hostsPerLeaf, hostCount - (leaf - 1) * hostsPerLeaf) {
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

/// The storm's rows in the benchmark's database: each range is (after, through].
struct StormRows: Codable {
    var outbox: [Int64]
    var audit: [Int64]
    var causes: [Int64]
    /// How long Portwatch took to correlate and commit them.
    var milliseconds: Double

    static func maxima(_ db: Database) throws -> (outbox: Int64, audit: Int64, causes: Int64) {
        (
            try Int64.fetchOne(db, sql: "SELECT coalesce(max(sequence), 0) FROM outbox") ?? 0,
            try Int64.fetchOne(db, sql: "SELECT coalesce(max(sequence), 0) FROM audit") ?? 0,
            try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM audit_causes") ?? 0
        )
    }
}
