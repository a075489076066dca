import Foundation
import Logging
import PortwatchCore
import PortwatchStore
import PostgresNIO
import Synchronization
import Testing

/// Replicas on one PostgreSQL database, against the real server: the epoch fence of the writer's
/// commits and the change log followers replay. They need `PORTWATCH_TEST_POSTGRES_URL` (the test
/// command sets it) and fail without it.
@Suite struct PostgresClusterTests {
    static let logger = Logger(label: "test")

    /// Runs `body` with two stores (two replicas) on one fresh schema.
    static func withReplicas(_ body: (PostgresStore, PostgresStore) async throws -> Void) async throws {
        guard TestBackend.postgresURL != nil else {
            Issue.record("PORTWATCH_TEST_POSTGRES_URL is not set: these tests need PostgreSQL")
            return
        }
        try await TestDatabase.with(.postgres) { database in
            try await database.open { first in
                try await database.open { second in
                    try await body(first as! PostgresStore, second as! PostgresStore)
                }
            }
        }
    }

    static func takeOver(_ store: PostgresStore, as name: String) async throws -> Int64 {
        try await store.client.withConnection { try await store.takeOver(as: name, on: $0) }
    }

    static func network(_ id: String) -> StoreCommit {
        var commit = StoreCommit()
        commit.networks = [(id, StoreConformanceTests.network(id))]
        return commit
    }

    @Test func aDeposedWritersCommitIsRefusedAndNothingLands() async throws {
        try await Self.withReplicas { first, second in
            let lost = LostFlag()
            let firstEpoch = try await Self.takeOver(first, as: "a")
            first.fence(epoch: firstEpoch) { lost.set() }
            try await first.commit(Self.network("n1"))

            let secondEpoch = try await Self.takeOver(second, as: "b")
            #expect(secondEpoch == firstEpoch + 1)
            second.fence(epoch: secondEpoch) {}

            await #expect(throws: PostgresStoreError.self) { try await first.commit(Self.network("n2")) }
            #expect(lost.isSet)
            #expect(first.fence == .refused)
            // Refused before it starts from now on.
            await #expect(throws: PostgresStoreError.self) { try await first.commit(Self.network("n3")) }

            try await second.commit(Self.network("n4"))
            let snapshot = try await second.loadSnapshot()
            #expect(Set(snapshot.networks.map(\.id)) == ["n1", "n4"])
            #expect(try await second.writer().name == "b")
        }
    }

    @Test func aFollowerStoreRefusesEveryCommit() async throws {
        try await Self.withReplicas { first, _ in
            first.refuseCommits()
            await #expect(throws: PostgresStoreError.self) { try await first.commit(Self.network("n1")) }
            let snapshot = try await first.loadSnapshot()
            #expect(snapshot.networks.isEmpty)
        }
    }

    @Test func theChangeLogNamesWhatEachCommitTouchedWithTheRowsAsStored() async throws {
        try await Self.withReplicas { writer, reader in
            var commit = Self.network("n1")
            commit.ports = [("p1", StoreConformanceTests.port("p1", name: "one"))]
            commit.documents = [("security-group", "g1", Array(#"{"x":1}"#.utf8)), ("topology", "t", Array("{}".utf8))]
            commit.outbox = [StoreConformanceTests.record(1)]
            try await writer.commit(commit)
            let first = writer.newestCommittedChange

            var update = StoreCommit()
            update.portStates = [StoreConformanceTests.port("p1", revision: 5, name: "one")]
            try await writer.commit(update)
            #expect(writer.newestCommittedChange == first + 1)

            let batch = try await reader.changes(after: 0, documentKinds: ["security-group"])
            #expect(batch.through == first + 1)
            #expect(!batch.truncated)
            #expect(batch.networks.map(\.id) == ["n1"])
            #expect(batch.ports.map(\.id) == ["p1"])
            #expect(batch.ports.first?.port?.revisionNumber == 5)
            #expect(batch.documentKinds == ["security-group", "topology"])
            #expect(batch.documents.map(\.id) == ["g1"])
            #expect(batch.newestOutbox == 1)
            #expect(batch.portStates.isEmpty)
            #expect(try await reader.loadSnapshot().lastChange == first + 1)

            // Read from after the full write, the state-only write brings the port's state alone.
            let stateOnly = try await reader.changes(after: first, documentKinds: [])
            #expect(stateOnly.ports.isEmpty)
            #expect(stateOnly.portStates.map(\.id) == ["p1"])
            #expect(stateOnly.portStates.first?.state?.revisionNumber == 5)
            #expect(stateOnly.portStates.first?.state?.status == StoreConformanceTests.port("p1").status.rawValue)
            // A follower of the previous release reads the `ports` column: it still names every port.
            let named = try await reader.client.query(
                "SELECT ports, port_states FROM changes WHERE sequence = \(first + 1)")
            for try await (ports, states) in named.decode(([String], [String]).self) {
                #expect(ports == ["p1"] && states == ["p1"])
            }

            var delete = StoreCommit()
            delete.ports = [("p1", nil)]
            try await writer.commit(delete)
            let next = try await reader.changes(after: batch.through, documentKinds: [])
            #expect(next.through == batch.through + 1)
            #expect(next.ports.count == 1)
            #expect(next.ports.first?.port == nil)
            // The outbox sequence carries over commits that wrote none.
            #expect(next.newestOutbox == 1)
            #expect(try await reader.changes(after: next.through, documentKinds: []).through == next.through)
        }
    }

    /// A follower's pass reads the log, the rows it names and who the writer is in one statement.
    @Test func aFollowersPassReadsTheWriterWithTheLog() async throws {
        try await Self.withReplicas { writer, reader in
            let epoch = try await Self.takeOver(writer, as: "a")
            writer.fence(epoch: epoch) {}
            try await writer.heartbeat(replica: "a", url: "http://a.example:9696", applied: 0)
            var commit = Self.network("n1")
            commit.ports = [("p1", StoreConformanceTests.port("p1", name: "one"))]
            try await writer.commit(commit)
            var update = StoreCommit()
            update.portStates = [StoreConformanceTests.port("p2", revision: 3, name: "two")]
            try await writer.commit(update)
            let session = try await reader.openSession(id: 7)
            defer { PostgresStore.closeWithoutWaiting(session) }
            let (batch, elected) = try await reader.follow(after: 0, documentKinds: [], on: session)
            #expect(elected.epoch == epoch && elected.name == "a" && elected.url == "http://a.example:9696")
            #expect(batch.through == writer.newestCommittedChange)
            #expect(batch.networks.map(\.id) == ["n1"] && batch.networks.first?.network != nil)
            #expect(batch.ports.map(\.id) == ["p1"] && batch.ports.first?.port?.name == "one")
            // A state row with no port row (the port was never written in full) reads back alone.
            #expect(batch.portStates.map(\.id) == ["p2"] && batch.portStates.first?.state?.revisionNumber == 3)
            // Nothing newer: the same sequence, nothing named.
            let (idle, _) = try await reader.follow(after: batch.through, documentKinds: [], on: session)
            #expect(idle.through == batch.through && idle.ports.isEmpty && idle.portStates.isEmpty && !idle.truncated)

            // One commit writing a port in full and another's state alone, then a storm's worth of
            // state-only ports (each entry names them in `ports` and `port_states` alike: the statement
            // must tell them apart by sets, not by scanning one list per id).
            var mixed = StoreCommit()
            mixed.ports = [("p3", StoreConformanceTests.port("p3", name: "three"))]
            mixed.portStates = [StoreConformanceTests.port("p4", revision: 2, name: "four")]
            try await writer.commit(mixed)
            var storm = StoreCommit()
            storm.portStates = (0..<20_000).map { StoreConformanceTests.port("s\($0)", revision: 2, name: "s") }
            storm.portStates.append(StoreConformanceTests.port("p3", revision: 9, name: "three"))
            try await writer.commit(storm)
            let (after, _) = try await reader.follow(after: idle.through, documentKinds: [], on: session)
            #expect(after.through == idle.through + 2)
            // p3 was written in full by one of the entries: read in full, with its newest state.
            #expect(after.ports.map(\.id) == ["p3"] && after.ports.first?.port?.revisionNumber == 9)
            #expect(after.portStates.count == 20_001)
            #expect(Set(after.portStates.map(\.id)) == Set((0..<20_000).map { "s\($0)" } + ["p4"]))
            #expect(after.portStates.allSatisfy { $0.state?.revisionNumber == 2 })
        }
    }

    @Test func aFollowerBehindTheLogsRetentionReloadsEverything() async throws {
        try await Self.withReplicas { writer, reader in
            for id in ["n1", "n2", "n3"] { try await writer.commit(Self.network(id)) }
            let newest = writer.newestCommittedChange
            try await writer.client.query("DELETE FROM changes WHERE sequence < \(newest)")
            #expect(try await reader.changes(after: newest - 3, documentKinds: []).truncated)
            #expect(try await !reader.changes(after: newest - 1, documentKinds: []).truncated)
        }
    }

    @Test func aFollowingRepositoryReplaysTheWritersCommitsAndRefusesWrites() async throws {
        try await Self.withReplicas { first, second in
            let writer = try await Repository(backend: first, logger: Self.logger)
            let writing = Task { await writer.runWriter() }
            defer {
                writer.stopAccepting()
                writing.cancel()
            }
            let follower = try await Repository(backend: second, following: true, logger: Self.logger)
            #expect(follower.isFollowing)
            await #expect(throws: NeutronError.self) {
                try await follower.write { $0.put(StoreConformanceTests.network("refused")) }
            }

            try await writer.write { changeSet in
                changeSet.put(StoreConformanceTests.network("n1"))
                changeSet.put(StoreConformanceTests.port("p1", name: "first"))
            }
            try await writer.write { changeSet in
                var port = StoreConformanceTests.port("p1", name: "second")
                port.revisionNumber = 2
                changeSet.put(port)
            }
            let batch = try await second.changes(after: follower.loadedChangeSequence, documentKinds: [])
            try await follower.applyFollowed(batch, rebuildingCorrelation: false)
            #expect(follower.port("p1")?.name == "second")

            // A state-only write (a fault's verdict) is applied from the state row, the port kept.
            try await writer.write { changeSet in
                var port = try #require(changeSet.port("p1"))
                port.revisionNumber += 1
                port.dataPlaneStatus = .down
                changeSet.putState(port)
            }
            let states = try await second.changes(after: batch.through, documentKinds: [])
            #expect(states.ports.isEmpty && states.portStates.map(\.id) == ["p1"])
            try await follower.applyFollowed(states, rebuildingCorrelation: false)
            #expect(follower.port("p1")?.dataPlaneStatus == .down)
            #expect(follower.port("p1")?.revisionNumber == 3)
            #expect(follower.port("p1")?.name == "second")
            #expect(follower.network("n1") != nil)
            #expect(follower.network("refused") == nil)

            // Promoted, it reloads and writes.
            try await follower.promote()
            #expect(!follower.isFollowing)
            let promoted = Task { await follower.runWriter() }
            try await follower.write { $0.put(StoreConformanceTests.network("n2")) }
            follower.demote()
            await promoted.value
            await #expect(throws: NeutronError.self) {
                try await follower.write { $0.put(StoreConformanceTests.network("n3")) }
            }
            #expect(Set(try await first.loadSnapshot().networks.map(\.id)) == ["n1", "n2"])
        }
    }
}

/// A flag set from a `@Sendable` callback.
final class LostFlag: Sendable {
    private let value = Mutex(false)
    var isSet: Bool { value.withLock { $0 } }
    func set() { value.withLock { $0 = true } }
}
