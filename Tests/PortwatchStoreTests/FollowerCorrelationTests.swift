import Foundation
import Logging
import PortwatchCore
import PortwatchStore
import Synchronization
import Testing

/// A follower applies the writer's stored rows only: fault correlation is caught up when a read
/// needs it, once, however many commits came before (a storm), and never on the writer.
@Suite struct FollowerCorrelationTests {
    static func port(_ id: String) -> PortwatchCore.Port {
        var port = StoreConformanceTests.port(id)
        port.bindingHostID = "h1"
        return port
    }

    /// A following repository whose correlation rebuilds count themselves.
    static func follower(rebuilds: RebuildCount) async throws -> Repository {
        let repository = try await Repository(
            backend: try SQLiteStore(path: RepositoryTests.path(), synchronous: .normal), following: true,
            logger: Logger(label: "test"))
        repository.installCorrelation(CorrelationState(engine: CorrelationEngine(topology: Topology()), holdDown: 0)) {
            model in
            rebuilds.increment()
            var engine = CorrelationEngine(topology: Topology())
            for port in model.ports.values {
                _ = engine.upsertAttachment(
                    PortAttachment(port: port, network: model.networks[port.networkID]), now: Date())
            }
            return CorrelationState(engine: engine, holdDown: 0)
        }
        return repository
    }

    static func attached(_ repository: Repository, _ id: String) -> Bool {
        repository.read { $0.correlation?.engine.attachment(ofPort: id) } != nil
    }

    @Test func portWritesAreAttachedWhenAReadAsksNotAtApply() async throws {
        let rebuilds = RebuildCount()
        let repository = try await Self.follower(rebuilds: rebuilds)
        var batch = ChangeLogBatch(through: 1, truncated: false)
        batch.networks = [("n1", StoreConformanceTests.network("n1"))]
        batch.ports = [("p1", Self.port("p1"))]
        try await repository.applyFollowed(batch, rebuildingCorrelation: false)
        #expect(repository.port("p1") != nil)
        #expect(repository.correlationLags)
        #expect(!Self.attached(repository, "p1"))

        try await repository.bringCorrelationUpToDate()
        #expect(!repository.correlationLags)
        #expect(Self.attached(repository, "p1"))
        #expect(rebuilds.count == 0)

        // A deleted port leaves the engine too.
        var deletion = ChangeLogBatch(through: 2, truncated: false)
        deletion.ports = [("p1", nil)]
        try await repository.applyFollowed(deletion, rebuildingCorrelation: false)
        try await repository.bringCorrelationUpToDate()
        #expect(!Self.attached(repository, "p1"))
    }

    @Test func aStormOfFabricCommitsCostsOneRebuildAtTheNextRead() async throws {
        let rebuilds = RebuildCount()
        let repository = try await Self.follower(rebuilds: rebuilds)
        for index in 0..<20 {
            var batch = ChangeLogBatch(through: Int64(index + 1), truncated: false)
            batch.ports = [("p\(index)", Self.port("p\(index)"))]
            batch.documentKinds = ["fault-event"]
            try await repository.applyFollowed(batch, rebuildingCorrelation: true)
        }
        #expect(rebuilds.count == 0)
        #expect(repository.port("p19") != nil)
        #expect(repository.correlationLags)

        try await repository.bringCorrelationUpToDate()
        #expect(rebuilds.count == 1)
        #expect((0..<20).allSatisfy { Self.attached(repository, "p\($0)") })
        // Nothing lags any more: a read costs nothing.
        try await repository.bringCorrelationUpToDate()
        #expect(rebuilds.count == 1)
        #expect(!repository.correlationLags)
    }
}

/// How many times fault correlation was rebuilt (from a `@Sendable` loader).
final class RebuildCount: Sendable {
    private let value = Mutex(0)
    var count: Int { value.withLock { $0 } }
    func increment() { value.withLock { $0 += 1 } }
}
