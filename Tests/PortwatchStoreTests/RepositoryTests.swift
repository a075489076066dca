import Foundation
import Logging
import PortwatchCore
import PortwatchStore
import Synchronization
import Testing

/// A SQLite store whose next commit can be made to fail, to test what a failed transaction leaves.
final class FlakyStore: StoreBackend {
    let inner: SQLiteStore
    let failNext = Mutex(false)
    /// The next commit lands, then reports a failure (a COMMIT whose reply was lost).
    let failAfterNext = Mutex(false)

    /// While set, the next load reads its snapshot, then waits for ``releaseHeldLoad()`` before
    /// answering (a store that stopped answering, then answers late with what it read then).
    let holdNextLoad = Mutex(false)
    private let heldLoad = Mutex<(arrived: Bool, release: CheckedContinuation<Void, Never>?, released: Bool)>(
        (false, nil, false))

    init(path: String) throws { inner = try SQLiteStore(path: path, synchronous: .normal) }

    func migrate() async throws { try await inner.migrate() }
    func loadSnapshot() async throws -> StoreSnapshot {
        let hold = holdNextLoad.withLock { flag in
            defer { flag = false }
            return flag
        }
        let snapshot = try await inner.loadSnapshot()
        guard hold else { return snapshot }
        await withCheckedContinuation { continuation in
            let now = heldLoad.withLock { held in
                held.arrived = true
                if held.released { return true }
                held.release = continuation
                return false
            }
            if now { continuation.resume() }
        }
        return snapshot
    }

    /// Whether a held load is waiting.
    var aLoadIsHeld: Bool { heldLoad.withLock { $0.arrived && !$0.released } }

    func releaseHeldLoad() {
        let waiting = heldLoad.withLock { held in
            held.released = true
            defer { held.release = nil }
            return held.release
        }
        waiting?.resume()
    }
    func commit(_ commit: StoreCommit) async throws {
        let fail = failNext.withLock { flag in
            defer { flag = false }
            return flag
        }
        if fail { throw CocoaError(.fileWriteOutOfSpace) }
        try await inner.commit(commit)
        let lost = failAfterNext.withLock { flag in
            defer { flag = false }
            return flag
        }
        if lost { throw CocoaError(.fileWriteUnknown) }
    }
    func outboxRecords(after sequence: Int64, limit: Int) async throws -> [OutboxRecord] {
        try await inner.outboxRecords(after: sequence, limit: limit)
    }
    func cursor(of sink: String) async throws -> Int64 { try await inner.cursor(of: sink) }
    /// Documents read so far (a reload reads them after its snapshot).
    let documentReads = Atomic<Int>(0)
    func documents(ofKind kind: String) async throws -> [StoredDocument] {
        defer { documentReads.add(1, ordering: .relaxed) }
        return try await inner.documents(ofKind: kind)
    }
    func auditEntries(subject: String, limit: Int) async throws -> [AuditEntry] {
        try await inner.auditEntries(subject: subject, limit: limit)
    }
}

/// Group commit: concurrent writes share transactions, each stays atomic, a failed transaction
/// changes nothing and the outbox stays gap-free.
struct RepositoryTests {
    static let admin = Identity.noauth(requestID: "req-test")

    static func path() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("repo-\(UUID().uuidString).sqlite").path
    }

    static func createNetwork(_ repository: Repository, name: String) async throws -> Network {
        var input = NetworkInput()
        input.name = name
        return try await repository.write { changes in
            try changes.createNetworks([input], request: .null, bulk: false, by: AccessPolicy(admin))[0]
        }
    }

    @Test func concurrentWritesAllLandWithGapFreeOutbox() async throws {
        let store = try FlakyStore(path: Self.path())
        let repository = try await Repository(backend: store, logger: Logger(label: "test"))
        let writer = Task { await repository.runWriter() }
        defer { writer.cancel() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<64 { group.addTask { _ = try await Self.createNetwork(repository, name: "n\(index)") } }
            try await group.waitForAll()
        }
        #expect(repository.read { $0.networks.count } == 64)
        let records = try await store.outboxRecords(after: 0, limit: 1000)
        #expect(records.map(\.sequence) == Array(1...128))
        #expect(Set(records.filter { $0.event.eventType == "network.create.end" }.map(\.event.resourceID)).count == 64)
    }

    @Test func aFailingOperationDoesNotDisturbItsBatch() async throws {
        let repository = try await Repository(backend: try FlakyStore(path: Self.path()), logger: Logger(label: "test"))
        let writer = Task { await repository.runWriter() }
        defer { writer.cancel() }
        let good = Task { try await Self.createNetwork(repository, name: "good") }
        let bad = Task {
            try await repository.write { changes in
                _ = try changes.createNetworks(
                    [NetworkInput()], request: .null, bulk: false, by: AccessPolicy(Self.admin))
                throw NeutronError.badRequest("second thoughts")
            }
        }
        _ = try await good.value
        await #expect(throws: NeutronError.self) { try await bad.value }
        #expect(repository.read { $0.networks.values.map(\.name) } == ["good"])
    }

    @Test func aFailedTransactionChangesNothingAndLosesNoSequence() async throws {
        let path = Self.path()
        let store = try FlakyStore(path: path)
        let repository = try await Repository(backend: store, logger: Logger(label: "test"))
        let writer = Task { await repository.runWriter() }
        defer { writer.cancel() }
        _ = try await Self.createNetwork(repository, name: "first")
        store.failNext.withLock { $0 = true }
        await #expect(throws: NeutronError.self) { _ = try await Self.createNetwork(repository, name: "lost") }
        #expect(repository.read { $0.networks.values.map(\.name) } == ["first"], "memory follows the store")
        _ = try await Self.createNetwork(repository, name: "third")
        let records = try await store.outboxRecords(after: 0, limit: 100)
        #expect(records.map(\.sequence) == [1, 2, 3, 4], "no gap where the failed batch was")
        let reloaded = try await SQLiteStore(path: path).loadSnapshot()
        #expect(Set(reloaded.networks.map(\.name)) == ["first", "third"])
    }

    @Test func aCommitOfUnknownOutcomeIsReloadedBeforeTheNextWrite() async throws {
        let path = Self.path()
        let store = try FlakyStore(path: path)
        let repository = try await Repository(backend: store, logger: Logger(label: "test"))
        let writer = Task { await repository.runWriter() }
        defer { writer.cancel() }
        _ = try await Self.createNetwork(repository, name: "first")
        store.failAfterNext.withLock { $0 = true }
        await #expect(throws: NeutronError.self) { _ = try await Self.createNetwork(repository, name: "landed") }
        // The failure answer carries no internal error text.
        store.failAfterNext.withLock { $0 = true }
        let failure = await #expect(throws: NeutronError.self) {
            _ = try await Self.createNetwork(repository, name: "landed too")
        }
        #expect(failure?.httpStatus == 500)
        #expect(failure.map { !$0.message.contains("CocoaError") && !$0.message.contains("Error Domain") } == true)
        _ = try await Self.createNetwork(repository, name: "after")
        #expect(
            Set(repository.read { $0.networks.values.map(\.name) }) == ["first", "landed", "landed too", "after"],
            "memory follows what the store holds, whatever the commit answered")
        let records = try await store.outboxRecords(after: 0, limit: 100)
        #expect(records.map(\.sequence) == Array(1...8), "sequences continue after the store's, no key reused")
    }

    /// A writer whose reload after a failed commit gets no answer from the store stops waiting for it
    /// once demoted (a replica that lost the election goes on to follow), and the reload's late answer
    /// does not overwrite what the replica loaded since.
    @Test func aDemotedWriterStopsWaitingForItsReloadWhichThenInstallsNothing() async throws {
        let path = Self.path()
        let store = try FlakyStore(path: path)
        let repository = try await Repository(backend: store, logger: Logger(label: "test"))
        let writerEnded = Atomic<Bool>(false)
        let writer = Task {
            await repository.runWriter()
            writerEnded.store(true, ordering: .releasing)
        }
        defer { writer.cancel() }
        _ = try await Self.createNetwork(repository, name: "first")
        store.failNext.withLock { $0 = true }
        store.holdNextLoad.withLock { $0 = true }
        await #expect(throws: NeutronError.self) { _ = try await Self.createNetwork(repository, name: "refused") }
        #expect(await Self.eventually { store.aLoadIsHeld }, "the writer reloads after the failed commit")

        repository.demote()
        #expect(
            await Self.eventually { writerEnded.load(ordering: .acquiring) },
            "the demoted writer stopped waiting for its reload")
        // Another writer commits; this replica, now following, reloads and sees it.
        _ = try await Self.commitNetwork(named: "later", bypassing: path)
        _ = try await repository.reloadState(rebuildingCorrelation: false)
        #expect(Set(repository.read { $0.networks.values.map(\.name) }) == ["first", "later"])

        // The abandoned reload answers at last, with its older snapshot: it must not be installed.
        let reads = store.documentReads.load(ordering: .relaxed)
        store.releaseHeldLoad()
        #expect(await Self.eventually { store.documentReads.load(ordering: .relaxed) > reads })
        try await Task.sleep(for: .milliseconds(200))
        #expect(Set(repository.read { $0.networks.values.map(\.name) }) == ["first", "later"])
    }

    /// A follower gives up a reload that does not answer and starts another (``ClusterSettings/reloadTimeout``):
    /// the given-up one, answering at last with its older snapshot, must not replace the newer state.
    @Test func aReloadGivenUpInstallsNothingOnceALaterOneBegan() async throws {
        let path = Self.path()
        let store = try FlakyStore(path: path)
        let repository = try await Repository(backend: store, following: true, logger: Logger(label: "test"))
        store.holdNextLoad.withLock { $0 = true }
        let givenUp = Task { try await repository.reloadState(rebuildingCorrelation: false) }
        #expect(await Self.eventually { store.aLoadIsHeld })

        let later = try await Self.commitNetwork(named: "later", bypassing: path)
        _ = try await repository.reloadState(rebuildingCorrelation: false)
        #expect(repository.network(later.id) != nil)

        store.releaseHeldLoad()
        await #expect(throws: CancellationError.self) { _ = try await givenUp.value }
        #expect(repository.network(later.id) != nil)
    }

    /// Commits a network named `name` to the database at `path` through a store of its own, as another
    /// writer would: the repository sees it only by reloading.
    static func commitNetwork(named name: String, bypassing path: String) async throws -> Network {
        let other = try SQLiteStore(path: path, synchronous: .normal)
        var commit = StoreCommit()
        var network = Network(id: UUID().uuidString.lowercased(), projectID: "p", createdAt: Date())
        network.name = name
        commit.networks = [(network.id, network)]
        try await other.commit(commit)
        return network
    }

    /// Waits (up to a minute) until `condition` holds.
    static func eventually(_ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(60)
        while !condition(), ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(10)) }
        return condition()
    }

    @Test func shutdownDrainsQueuedWritesAndRefusesNewOnes() async throws {
        let store = try FlakyStore(path: Self.path())
        let repository = try await Repository(backend: store, logger: Logger(label: "test"))
        let writes = (0..<50).map { index in Task { try await Self.createNetwork(repository, name: "n\(index)") } }
        // Queued before the writer runs; stopping first must still commit every one of them.
        #expect(await Self.queued(writes.count, repository))
        repository.stopAccepting()
        await repository.runWriter()
        for write in writes { _ = try await write.value }
        #expect(repository.read { $0.networks.count } == 50)
        await #expect(throws: NeutronError.self) { _ = try await Self.createNetwork(repository, name: "late") }
    }

    /// Waits (up to a minute) until `count` writes are queued.
    static func queued(_ count: Int, _ repository: Repository) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(60)
        while repository.queuedWrites < count, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        return repository.queuedWrites == count
    }
}

/// Checkpoints run outside commits: the WAL holds the commits until ``SQLiteStore/checkpoint()``
/// copies them into the database file.
struct SQLiteCheckpointTests {
    @Test func commitsStayInTheWALUntilCheckpointed() async throws {
        let path = RepositoryTests.path()
        let store = try SQLiteStore(path: path, synchronous: .normal)
        let repository = try await Repository(backend: store, logger: Logger(label: "test"))
        let writer = Task { await repository.runWriter() }
        defer { writer.cancel() }
        let before = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        for index in 0..<300 { _ = try await RepositoryTests.createNetwork(repository, name: "n\(index)") }
        let uncheckpointed = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        #expect(uncheckpointed == before, "no automatic checkpoint inside commits")
        try await store.checkpoint()
        let after = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        #expect(after > before, "the checkpoint moved the commits into the database file")
        #expect(try await SQLiteStore(path: path).loadSnapshot().networks.count == 300)
    }
}

/// A PUT that changes a port's `data_plane_status` alone is stored as the port's state row; one that
/// changes an attribute rewrites the port. Either way the store reads back what was answered.
struct StateOnlyUpdateTests {
    static let access = AccessPolicy(RepositoryTests.admin)

    static func update(_ repository: Repository, _ id: String, _ input: PortInput) async throws
        -> (PortwatchCore.Port, stateOnly: Bool)
    {
        try await repository.write { changes in
            let port = try changes.updatePort(id: id, input, request: .null, ifMatch: nil, by: access)
            return (port, changes.changes.stateOnlyPorts.contains(id))
        }
    }

    @Test func aDataPlaneStatusPutWritesTheStateRowAndReadsBackAfterARestart() async throws {
        let path = RepositoryTests.path()
        var repository = try await Repository(backend: SQLiteStore(path: path), logger: Logger(label: "test"))
        var writer = Task { [repository] in await repository.runWriter() }
        let network = try await RepositoryTests.createNetwork(repository, name: "n")
        var create = PortInput()
        create.networkID = network.id
        create.name = "p"
        let created = try await repository.write { changes in
            try changes.createPorts([create], request: .null, bulk: false, by: Self.access)[0]
        }

        var down = PortInput()
        down.dataPlaneStatus = .some(.down)
        let (marked, stateOnly) = try await Self.update(repository, created.id, down)
        #expect(stateOnly)
        #expect(marked.dataPlaneStatus == .down && marked.dataPlaneStatusOverride == .down)
        #expect(marked.revisionNumber == created.revisionNumber + 1)

        repository.stopAccepting()
        await writer.value
        repository = try await Repository(backend: SQLiteStore(path: path), logger: Logger(label: "test"))
        #expect(repository.port(created.id) == marked)

        // An attribute changed: the whole port is written, and the state row it replaces goes.
        writer = Task { [repository] in await repository.runWriter() }
        var rename = PortInput()
        rename.name = "renamed"
        let (renamed, renameStateOnly) = try await Self.update(repository, created.id, rename)
        #expect(!renameStateOnly)
        #expect(renamed.dataPlaneStatus == .down && renamed.revisionNumber == marked.revisionNumber + 1)
        // The same value again changes nothing (no revision bump).
        let (unchanged, _) = try await Self.update(repository, created.id, down)
        #expect(unchanged == renamed)

        repository.stopAccepting()
        await writer.value
        let reloaded = try await Repository(backend: SQLiteStore(path: path), logger: Logger(label: "test"))
        #expect(reloaded.port(created.id) == renamed)
    }
}

/// The event loop's port updates run ``ChangeSet/updatePortRendered(id:_:request:ifMatch:by:)`` without
/// the copy that rolls a failed operation back: every refusal must leave the change set as it was, and
/// the operations after it in the batch must see nothing of it.
struct UpdateRefusalTests {
    static let access = AccessPolicy(RepositoryTests.admin)

    @Test func everyRefusalOfAnUpdateLeavesTheChangeSetUntouched() async throws {
        let repository = try await Repository(
            backend: SQLiteStore(path: RepositoryTests.path()), logger: Logger(label: "test"))
        let writer = Task { [repository] in await repository.runWriter() }
        defer { writer.cancel() }
        let network = try await RepositoryTests.createNetwork(repository, name: "n")
        var create = PortInput()
        create.networkID = network.id
        let ports = try await repository.write { changes in
            try changes.createPorts([create, create], request: .null, bulk: true, by: Self.access)
        }
        let (port, other) = (ports[0], ports[1])
        let member = AccessPolicy(
            Identity(userID: "u", projectID: "someone-else", roles: ["member", "reader"], requestID: "req-m"))
        var down = PortInput()
        down.dataPlaneStatus = .some(.down)
        var stolenMAC = down
        stolenMAC.macAddress = other.macAddress
        var unknownGroup = down
        unknownGroup.securityGroups = ["no-such-group"]
        let refusals: [(String, String, PortInput, Int?, AccessPolicy)] = [
            ("not found", "no-such-port", down, nil, Self.access),
            ("stale If-Match", port.id, down, port.revisionNumber + 5, Self.access),
            ("MAC in use", port.id, stolenMAC, nil, Self.access),
            ("unknown security group", port.id, unknownGroup, nil, Self.access),
            ("another project's port", port.id, down, nil, member),
        ]
        for (name, id, input, ifMatch, access) in refusals {
            let outcome = try await repository.writeValidatingFirst { changes in
                let refused: Bool
                do {
                    _ = try changes.updatePortRendered(id: id, input, request: .null, ifMatch: ifMatch, by: access)
                    refused = false
                } catch {
                    refused = true
                }
                return (
                    refused, changes.changes.ports.isEmpty, changes.events.isEmpty, changes.audit.isEmpty,
                    changes.port(port.id) == port
                )
            }
            #expect(outcome == (true, true, true, true, true), "\(name)")
        }
        // The same batch goes on: a valid update after a refusal is the only change.
        let (_, events) = try await repository.writeValidatingFirst { changes in
            _ = try? changes.updatePortRendered(
                id: port.id, down, request: .null, ifMatch: port.revisionNumber + 5, by: Self.access)
            let updated = try changes.updatePortRendered(
                id: port.id, down, request: .null, ifMatch: port.revisionNumber, by: Self.access)
            return (updated.port, changes.events.map(\.eventType))
        }
        #expect(events == ["port.update.start", "port.update.end"])
        #expect(repository.port(port.id)?.dataPlaneStatus == .down)
        #expect(repository.port(port.id)?.revisionNumber == port.revisionNumber + 1)
    }
}
