import AsyncHTTPClient
import Foundation
import Logging
import NeutronClient
import PortwatchCore
import PortwatchStore
import Synchronization
import Testing

@testable import BridgeMode

/// The write-back controller against ``FakeNeutron``: ordering, coalescing, retries, 401 and 404.
struct WriteBackControllerTests {
    static var logger: Logger {
        var logger = Logger(label: "bridge-test")
        logger.logLevel = .critical
        return logger
    }

    /// A store on a fresh SQLite file with its writer, the bridge state over it, and the ports of
    /// `neutron` mirrored.
    struct Harness {
        let repository: Repository
        let state: BridgeState
        let writer: Task<Void, Never>
        let client: NeutronClient

        static func make(neutron url: String, authenticator: (any NeutronAuthenticator)? = nil) async throws -> Harness
        {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("bridge-\(UUID()).sqlite").path
            let repository = try await Repository(
                backend: try SQLiteStore(path: path, synchronous: .normal), logger: logger)
            let writer = Task { await repository.runWriter() }
            let state = try await BridgeState(repository: repository)
            let client = NeutronClient(
                authenticator: authenticator ?? UnauthenticatedNeutron(endpoint: url), httpClient: .shared, pageSize: 2,
                logger: logger)
            let sync = InventorySync(client: client, state: state, interval: .seconds(3600), logger: logger)
            #expect(await sync.syncOnce())
            return Harness(repository: repository, state: state, writer: writer, client: client)
        }

        /// Sets verdicts as correlation would (the visible value of the mirrored ports).
        func setVerdicts(_ verdicts: [String: DataPlaneStatus?]) async throws {
            try await repository.write { changeSet in
                for (id, value) in verdicts {
                    guard var port = changeSet.port(id) else { continue }
                    port.correlatedDataPlaneStatus = value
                    port.dataPlaneStatus = value
                    changeSet.putState(port)
                }
            }
        }

        /// Runs a controller while `body` runs.
        func withController(
            concurrency: Int, _ body: @escaping @Sendable (WriteBackController) async throws -> Void
        ) async throws {
            let controller = WriteBackController(client: client, state: state, concurrency: concurrency, logger: logger)
            let running = Task { try await controller.run() }
            defer { running.cancel() }
            try await body(controller)
            running.cancel()
            _ = await running.result
        }

        func close() async {
            writer.cancel()
            await writer.value
        }
    }

    /// Waits (bounded, generously) until `condition` holds.
    static func eventually(_ condition: () -> Bool) async -> Bool {
        for _ in 0..<6000 {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    @Test func downFirstAndOnlyTheLatestValue() async throws {
        let neutron = FakeNeutron(ports: ["a", "b", "c", "d", "e"])
        try await neutron.serve { url in
            let harness = try await Harness.make(neutron: url)
            #expect(harness.state.records.count == 5)  // paginated: 3 pages of 2
            try await harness.setVerdicts(["a": .active, "b": .active, "c": .down, "d": .down, "e": .down])
            try await harness.setVerdicts(["e": nil])  // flipped back before any write: costs nothing
            try await harness.withController(concurrency: 1) { _ in
                // Settled while the controller runs: Neutron's answer to a write is recorded after
                // Neutron has the value, and a controller stopped in between leaves it in the backlog.
                #expect(
                    await Self.eventually {
                        neutron.puts.count == 4 && harness.state.backlog().isEmpty
                            && harness.state.record("c") == NeutronPortRecord(value: .down, revision: 2)
                    })
            }
            let order = neutron.puts.map(\.0)
            #expect(Set(order.prefix(2)) == ["c", "d"])
            #expect(Set(order.suffix(2)) == ["a", "b"])
            #expect(neutron.value("e") == nil)
            #expect(harness.state.backlog().isEmpty)
            #expect(harness.state.record("c") == NeutronPortRecord(value: .down, revision: 2))
            await harness.close()
        }
    }

    @Test func retriesAfterServerErrorsAndOutages() async throws {
        let neutron = FakeNeutron(ports: ["a", "b"])
        try await neutron.serve { url in
            let harness = try await Harness.make(neutron: url)
            neutron.state.withLock { $0.failures = [503, 500, 502] }
            try await harness.setVerdicts(["a": .down, "b": .down])
            try await harness.withController(concurrency: 2) { _ in
                #expect(
                    await Self.eventually {
                        neutron.value("a") == .down && neutron.value("b") == .down && harness.state.backlog().isEmpty
                    })
            }
            #expect(neutron.state.withLock { $0.failures.isEmpty })
            #expect(harness.state.backlog().isEmpty)
            await harness.close()
        }
    }

    @Test func reauthenticatesOn401() async throws {
        let neutron = FakeNeutron(ports: ["a"])
        try await neutron.serve { url in
            let tokens = RotatingTokens(endpoint: url)
            // the token of the sync is rejected from now on: the next call must get a new one
            let harness = try await Harness.make(neutron: url, authenticator: tokens)
            neutron.state.withLock { $0.acceptedToken = "t2" }
            try await harness.setVerdicts(["a": .down])
            try await harness.withController(concurrency: 1) { _ in
                #expect(await Self.eventually { neutron.value("a") == .down })
            }
            #expect(tokens.invalidations == 1)
            #expect(neutron.state.withLock { $0.unauthorized } == 1)
            await harness.close()
        }
    }

    @Test func aPortGoneFromNeutronLeavesTheMirror() async throws {
        let neutron = FakeNeutron(ports: ["a", "gone"])
        try await neutron.serve { url in
            let harness = try await Harness.make(neutron: url)
            _ = neutron.state.withLock { $0.ports.removeValue(forKey: "gone") }
            try await harness.setVerdicts(["gone": .down, "a": .down])
            try await harness.withController(concurrency: 1) { _ in
                #expect(
                    await Self.eventually {
                        harness.repository.port("gone") == nil && neutron.value("a") == .down
                            && harness.state.record("gone") == nil && harness.state.backlog().isEmpty
                    })
            }
            #expect(harness.state.record("gone") == nil)
            #expect(neutron.puts.map(\.0) == ["a"])
            await harness.close()
        }
    }

    @Test func aRefusedWriteIsNotRetriedInALoop() async throws {
        let neutron = FakeNeutron(ports: ["a"])
        try await neutron.serve { url in
            let harness = try await Harness.make(neutron: url)
            neutron.state.withLock { $0.failures = [403] }
            try await harness.setVerdicts(["a": .down])
            try await harness.withController(concurrency: 1) { _ in
                #expect(await Self.eventually { harness.state.backlog().first?.lastError != nil })
            }
            #expect(neutron.puts.isEmpty)
            #expect(harness.state.backlog().map(\.portID) == ["a"])
            await harness.close()
        }
    }

    @Test func neverSendsNullToAPortWhoseNeutronValueIsSet() async throws {
        let neutron = FakeNeutron(ports: ["a"])
        neutron.state.withLock { $0.ports["a"] = (.down, 4) }  // set before Portwatch saw it: an override
        try await neutron.serve { url in
            let harness = try await Harness.make(neutron: url)
            #expect(harness.repository.port("a")?.dataPlaneStatusOverride == .down)
            // the override is cleared on Portwatch; correlation never saw a fault: no status
            try await harness.repository.write { changeSet in
                guard var port = changeSet.port("a") else { return }
                port.dataPlaneStatusOverride = nil
                port.dataPlaneStatus = nil
                changeSet.put(port)
            }
            #expect(harness.state.backlog().map(\.desired) == [.active])
            try await harness.withController(concurrency: 1) { _ in
                #expect(await Self.eventually { neutron.value("a") == .active && harness.state.backlog().isEmpty })
            }
            #expect(neutron.puts.map(\.1) == [.active])
            #expect(harness.state.backlog().isEmpty)
            await harness.close()
        }
    }
}
