import Foundation
import Logging
import PortwatchCore
import PortwatchStore
import PostgresNIO
import Testing

/// A backend the conformance suite runs against: SQLite always, PostgreSQL when
/// `PORTWATCH_TEST_POSTGRES_URL` names a server.
enum TestBackend: String, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    static let postgresURL = ProcessInfo.processInfo.environment["PORTWATCH_TEST_POSTGRES_URL"]
    static let all: [TestBackend] = postgresURL == nil ? [.sqlite] : [.sqlite, .postgres]

    var testDescription: String { rawValue }

    /// A fresh, empty database of this kind (a temporary file, or a schema of its own).
    func makeDatabase() -> TestDatabase {
        switch self {
        case .sqlite:
            TestDatabase(backend: self, name: RepositoryTests.path())
        case .postgres:
            TestDatabase(backend: self, name: "conformance_\(UUID().uuidString.lowercased().prefix(8))")
        }
    }
}

/// One test's database; ``open(_:)`` may be called again to reopen it ("restart").
struct TestDatabase: Sendable {
    let backend: TestBackend
    let name: String

    /// Runs `body` with a store on this database (migrated), then closes the store. `deadlines`
    /// bound a PostgreSQL store's waits; `wakeUpSpacing` spaces its followers' wake-ups.
    func open<T>(
        deadlines: PostgresStore.Deadlines = PostgresStore.Deadlines(),
        wakeUpSpacing: Duration = PostgresStore.defaultWakeUpSpacing, _ body: (any StoreBackend) async throws -> T
    ) async throws -> T {
        switch backend {
        case .sqlite:
            let store = try SQLiteStore(path: name, synchronous: .normal)
            try await store.migrate()
            return try await body(store)
        case .postgres:
            var configuration = try PostgresStore.configuration(url: TestBackend.postgresURL!)
            configuration.options.additionalStartupParameters = [("search_path", name)]
            let store = PostgresStore(
                configuration: configuration, deadlines: deadlines, wakeUpSpacing: wakeUpSpacing,
                logger: Logger(label: "test"))
            let client = Task { await store.run() }
            defer { client.cancel() }
            try await store.client.query("CREATE SCHEMA IF NOT EXISTS \(unescaped: name)")
            try await store.migrate()
            return try await body(store)
        }
    }

    /// Drops the PostgreSQL schema (SQLite files stay in the temporary directory).
    func drop() async throws {
        guard backend == .postgres else { return }
        let store = try PostgresStore(url: TestBackend.postgresURL!, logger: Logger(label: "test"))
        let client = Task { await store.run() }
        defer { client.cancel() }
        try await store.client.query("DROP SCHEMA IF EXISTS \(unescaped: name) CASCADE")
    }

    /// Runs `body` on a fresh database, dropping it afterwards.
    static func with<T>(_ backend: TestBackend, _ body: (TestDatabase) async throws -> T) async throws -> T {
        let database = backend.makeDatabase()
        do {
            let result = try await body(database)
            try await database.drop()
            return result
        } catch {
            try? await database.drop()
            throw error
        }
    }
}

/// The behaviour every ``StoreBackend`` must share, run against each backend.
@Suite struct StoreConformanceTests {
    static let epoch = Date(timeIntervalSince1970: 1_700_000_000)

    static func network(_ id: String, name: String = "") -> Network {
        var network = Network(id: id, projectID: "project-a", createdAt: epoch)
        network.name = name
        return network
    }

    static func port(_ id: String, network: String = "n1", revision: Int = 1, name: String = "") -> PortwatchCore.Port {
        var port = Port(
            id: id, networkID: network, projectID: "project-a", macAddress: "fa:16:3e:00:00:01", createdAt: epoch)
        port.revisionNumber = revision
        port.name = name
        return port
    }

    static func record(_ sequence: Int64, resource: String = "p1") -> OutboxRecord {
        OutboxRecord(
            sequence: sequence,
            event: OutboxEvent(
                eventType: "port.update.end", resourceType: "port", resourceID: resource,
                projectID: sequence.isMultiple(of: 2) ? nil : "project-a", payload: Array(#"{"n":\#(sequence)}"#.utf8),
                context: NotificationContext(.noauth(requestID: "req-\(sequence)")),
                occurredAt: Date(timeIntervalSince1970: 1_700_000_000 + Double(sequence))))
    }

    static func byID(_ ports: [PortwatchCore.Port]) -> [String: PortwatchCore.Port] {
        Dictionary(uniqueKeysWithValues: ports.map { ($0.id, $0) })
    }

    @Test(arguments: TestBackend.all) func migrateIsIdempotent(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            try await database.open { store in
                try await store.migrate()
                var commit = StoreCommit()
                commit.networks = [("n1", Self.network("n1"))]
                try await store.commit(commit)
                try await store.migrate()
                #expect(try await store.loadSnapshot().networks.map(\.id) == ["n1"])
            }
            let snapshot = try await database.open { try await $0.loadSnapshot() }
            #expect(snapshot.networks.map(\.id) == ["n1"])
        }
    }

    @Test(arguments: TestBackend.all) func networksAndPortsRoundTrip(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            try await database.open { store in
                let empty = try await store.loadSnapshot()
                #expect(empty.networks.isEmpty && empty.ports.isEmpty)
                #expect(empty.lastOutboxSequence == 0 && empty.lastAuditSequence == 0 && empty.lastAuditCause == 0)

                var first = StoreCommit()
                first.networks = [("n1", Self.network("n1")), ("n2", Self.network("n2"))]
                first.ports = [
                    ("p1", Self.port("p1")), ("p2", Self.port("p2", network: "n2")), ("p3", Self.port("p3")),
                ]
                try await store.commit(first)
                let loaded = try await store.loadSnapshot()
                #expect(Set(loaded.networks) == Set(first.networks.compactMap(\.network)))
                #expect(Self.byID(loaded.ports) == Self.byID(first.ports.compactMap(\.port)))

                var second = StoreCommit()
                second.networks = [("n2", nil), ("n1", Self.network("n1", name: "renamed"))]
                // Several writes of one key in one commit: the last one counts.
                second.ports = [
                    ("p2", nil), ("p1", Self.port("p1", revision: 2, name: "x")),
                    ("p1", Self.port("p1", revision: 3, name: "y")),
                    ("p3", Self.port("p3", revision: 2)), ("p3", nil),
                ]
                try await store.commit(second)
                let after = try await store.loadSnapshot()
                #expect(after.networks == [Self.network("n1", name: "renamed")])
                #expect(after.ports == [Self.port("p1", revision: 3, name: "y")])
            }
        }
    }

    @Test(arguments: TestBackend.all) func stateOnlyRowsOverlayTheBodyUntilAFullWrite(backend: TestBackend) async throws
    {
        try await TestDatabase.with(backend) { database in
            try await database.open { store in
                var create = StoreCommit()
                create.ports = [("p1", Self.port("p1", revision: 1)), ("p2", Self.port("p2", revision: 5))]
                try await store.commit(create)

                var faulted = Self.port("p1", revision: 2)
                faulted.status = .active
                faulted.dataPlaneStatus = .down
                faulted.correlatedDataPlaneStatus = .down
                faulted.updatedAt = Self.epoch.addingTimeInterval(60)
                var stale = Self.port("p2", revision: 4)
                stale.dataPlaneStatus = .down
                var state = StoreCommit()
                state.portStates = [faulted, stale]
                try await store.commit(state)
                var ports = Self.byID(try await store.loadSnapshot().ports)
                #expect(ports["p1"] == faulted, "a newer state row overlays the body")
                #expect(ports["p2"] == Self.port("p2", revision: 5), "an older state row is ignored")

                var override = faulted
                override.revisionNumber = 3
                override.dataPlaneStatusOverride = .active
                override.dataPlaneStatus = .active
                var again = StoreCommit()
                again.portStates = [override]
                try await store.commit(again)
                #expect(Self.byID(try await store.loadSnapshot().ports)["p1"] == override, "the state row is replaced")

                // A full write at a lower revision than the state row still wins: it deletes the row.
                var full = StoreCommit()
                full.ports = [("p1", Self.port("p1", revision: 2, name: "full"))]
                try await store.commit(full)
                ports = Self.byID(try await store.loadSnapshot().ports)
                #expect(ports["p1"] == Self.port("p1", revision: 2, name: "full"))
            }
        }
    }

    @Test(arguments: TestBackend.all) func outboxInOrderAfterAndLimit(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            try await database.open { store in
                var first = StoreCommit()
                first.outbox = (1...3).map { Self.record($0) }
                try await store.commit(first)
                var second = StoreCommit()
                second.outbox = (4...5).map { Self.record($0, resource: "p2") }
                try await store.commit(second)

                let firstThree = try await store.outboxRecords(after: 0, limit: 3)
                for (got, want) in zip(firstThree, (1...3).map { Self.record($0) }) { #expect(got == want) }
                #expect(firstThree.count == 3)
                #expect(
                    try await store.outboxRecords(after: 3, limit: 10)
                        == (4...5).map { Self.record($0, resource: "p2") })
                #expect(try await store.outboxRecords(after: 5, limit: 10).isEmpty)
                #expect(try await store.loadSnapshot().lastOutboxSequence == 5)
            }
        }
    }

    @Test(arguments: TestBackend.all) func cursorsAndPruning(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            try await database.open { store in
                #expect(try await store.cursor(of: "amqp") == 0)
                func setCursors(_ cursors: [(String, Int64)], pruneThrough: Int64? = nil) async throws {
                    var commit = StoreCommit()
                    commit.cursors = cursors.map { (sink: $0.0, sequence: $0.1) }
                    commit.pruneOutboxThrough = pruneThrough
                    try await store.commit(commit)
                }
                try await setCursors([("amqp", 3), ("webhook:a", 1)])
                try await setCursors([("amqp", 4)])
                #expect(try await store.cursor(of: "amqp") == 4)
                #expect(try await store.cursor(of: "webhook:a") == 1)
                // A stored cursor never moves back.
                try await setCursors([("amqp", 2)])
                #expect(try await store.cursor(of: "amqp") == 4)

                var commit = StoreCommit()
                commit.outbox = (1...6).map { Self.record($0) }
                try await store.commit(commit)
                try await setCursors([], pruneThrough: 4)
                #expect(try await store.outboxRecords(after: 0, limit: 10).map(\.sequence) == [5, 6])
                try await setCursors([("amqp", 6)], pruneThrough: 6)
                #expect(try await store.outboxRecords(after: 0, limit: 10).isEmpty)
                // With the outbox pruned empty, the cursors still carry the sequence on.
                #expect(try await store.loadSnapshot().lastOutboxSequence == 6)
            }
        }
    }

    @Test(arguments: TestBackend.all) func documentsUpsertAndDelete(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            try await database.open { store in
                var first = StoreCommit()
                first.documents = [
                    ("fault", "b", Array("b1".utf8)), ("fault", "a", Array("a1".utf8)),
                    ("topology", "a", Array("t1".utf8)), ("fault", "c", Array("c1".utf8)),
                ]
                try await store.commit(first)
                var second = StoreCommit()
                second.documents = [
                    ("fault", "a", Array("a2".utf8)), ("fault", "b", nil), ("fault", "c", nil),
                    ("fault", "c", Array("c3".utf8)),
                    ("fault", "d", Array("d1".utf8)), ("fault", "d", nil),
                ]
                try await store.commit(second)
                #expect(
                    try await store.documents(ofKind: "fault") == [
                        StoredDocument(kind: "fault", id: "a", body: Array("a2".utf8)),
                        StoredDocument(kind: "fault", id: "c", body: Array("c3".utf8)),
                    ])
                #expect(
                    try await store.documents(ofKind: "topology") == [
                        StoredDocument(kind: "topology", id: "a", body: Array("t1".utf8))
                    ])
                #expect(try await store.documents(ofKind: "none").isEmpty)
            }
        }
    }

    @Test(arguments: TestBackend.all) func auditEntriesSpliceSharedCausesNewestLast(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            try await database.open { store in
                var commit = StoreCommit()
                commit.auditCauses = [(1, Array(#"{"fault":"f1"}"#.utf8))]
                commit.audit = [
                    AuditEntry(sequence: 1, subject: "p1", occurredAt: 10, body: Array(#"{"n":1}"#.utf8), causeID: 1),
                    AuditEntry(sequence: 2, subject: "p2", occurredAt: 11, body: Array(#"{"n":2}"#.utf8), causeID: 1),
                    AuditEntry(sequence: 3, subject: "p1", occurredAt: 12, body: Array(#"{"n":3}"#.utf8)),
                    AuditEntry(sequence: 4, subject: "p1", occurredAt: 13, body: Array(#"{"n":4}"#.utf8), causeID: 1),
                ]
                try await store.commit(commit)
                let entries = try await store.auditEntries(subject: "p1", limit: 10)
                #expect(entries.map(\.sequence) == [1, 3, 4])
                #expect(
                    entries.map { String(decoding: $0.body, as: UTF8.self) } == [
                        #"{"n":1,"cause":{"fault":"f1"}}"#, #"{"n":3}"#, #"{"n":4,"cause":{"fault":"f1"}}"#,
                    ])
                #expect(entries.map(\.causeID) == [1, nil, 1])
                #expect(entries.map(\.occurredAt) == [10, 12, 13])
                #expect(try await store.auditEntries(subject: "p1", limit: 2).map(\.sequence) == [3, 4])
                #expect(try await store.auditEntries(subject: "p9", limit: 2).isEmpty)
                let snapshot = try await store.loadSnapshot()
                #expect(snapshot.lastAuditSequence == 4 && snapshot.lastAuditCause == 1)
            }
        }
    }

    @Test(arguments: TestBackend.all) func aFailedCommitLeavesNothing(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            try await database.open { store in
                var first = StoreCommit()
                first.outbox = [Self.record(1)]
                try await store.commit(first)

                var failing = StoreCommit()
                failing.networks = [("n1", Self.network("n1"))]
                failing.ports = [("p1", Self.port("p1"))]
                failing.documents = [("fault", "a", Array("a".utf8))]
                failing.outbox = [Self.record(2), Self.record(1)]
                await #expect(throws: (any Error).self) { try await store.commit(failing) }

                let snapshot = try await store.loadSnapshot()
                #expect(snapshot.networks.isEmpty && snapshot.ports.isEmpty && snapshot.lastOutboxSequence == 1)
                #expect(try await store.documents(ofKind: "fault").isEmpty)
                #expect(try await store.outboxRecords(after: 0, limit: 10) == [Self.record(1)])
                // The store is still usable after the rollback.
                try await store.commit(failing.with(outbox: [Self.record(2)]))
                #expect(try await store.loadSnapshot().ports.map(\.id) == ["p1"])
            }
        }
    }

    @Test(arguments: TestBackend.all) func aLargeCommitInOneTransaction(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            try await database.open { store in
                // More rows than one statement carries (PostgreSQL splits them).
                let count = 9_000
                var commit = StoreCommit()
                commit.networks = [("n1", Self.network("n1"))]
                commit.ports = (0..<count).map { ("p\($0)", Self.port("p\($0)")) }
                commit.outbox = (1...Int64(count)).map { Self.record($0, resource: "p\($0)") }
                let clock = ContinuousClock()
                let elapsed = try await clock.measure { try await store.commit(commit) }
                print("\(backend.rawValue): commit of \(count) ports + \(count) outbox records: \(elapsed)")
                var state = StoreCommit()
                state.portStates = (0..<count).map {
                    var port = Self.port("p\($0)", revision: 2)
                    port.dataPlaneStatus = .down
                    return port
                }
                try await store.commit(state)
                let snapshot = try await store.loadSnapshot()
                #expect(snapshot.ports.count == count)
                #expect(snapshot.ports.allSatisfy { $0.dataPlaneStatus == .down && $0.revisionNumber == 2 })
                #expect(snapshot.lastOutboxSequence == Int64(count))
                #expect(try await store.outboxRecords(after: 0, limit: count + 1).count == count)
            }
        }
    }

    /// A key named twice in one list of a commit (a port, a port's state, a document, a network, a
    /// cursor) ends as its last write, in the position of its first.
    @Test(arguments: TestBackend.all) func aKeyWrittenTwiceInOneListKeepsItsLastWrite(backend: TestBackend)
        async throws
    {
        try await TestDatabase.with(backend) { database in
            try await database.open { store in
                var first = StoreCommit()
                first.networks = [("n1", Self.network("n1", name: "a")), ("n1", Self.network("n1", name: "b"))]
                first.ports = [
                    ("p1", Self.port("p1", name: "a")), ("p2", Self.port("p2")), ("p1", Self.port("p1", name: "b")),
                ]
                first.documents = [
                    ("topology", "t1", Array("1".utf8)), ("topology", "t2", Array("2".utf8)),
                    ("topology", "t1", Array("3".utf8)),
                ]
                first.cursors = [("sink", 5), ("sink", 7)]
                try await store.commit(first)

                var down = Self.port("p2", revision: 2)
                down.dataPlaneStatus = .down
                var up = Self.port("p2", revision: 3)
                up.dataPlaneStatus = .active
                var states = StoreCommit()
                states.portStates = [down, up]
                try await store.commit(states)

                let snapshot = try await store.loadSnapshot()
                #expect(snapshot.networks == [Self.network("n1", name: "b")])
                #expect(Self.byID(snapshot.ports) == ["p1": Self.port("p1", name: "b"), "p2": up])
                #expect(
                    try await store.documents(ofKind: "topology") == [
                        StoredDocument(kind: "topology", id: "t1", body: Array("3".utf8)),
                        StoredDocument(kind: "topology", id: "t2", body: Array("2".utf8)),
                    ])
                #expect(try await store.cursor(of: "sink") == 7)
            }
        }
    }

    /// A storm's rows repeat most of their values (one status, one timestamp, one context, one
    /// cause): PostgreSQL binds such a column once for a large commit instead of as an array. Every
    /// value must read back as written, repeated or not, present or absent, in a large commit and a
    /// small one.
    @Test(arguments: TestBackend.all, [3, 1_200])
    func repeatedValuesReadBackAsWritten(backend: TestBackend, rows: Int) async throws {
        try await TestDatabase.with(backend) { database in
            try await database.open { store in
                var create = StoreCommit()
                create.networks = [("n1", Self.network("n1"))]
                create.ports = (0..<rows).map { ("p\($0)", Self.port("p\($0)")) }
                try await store.commit(create)

                let context = NotificationContext(.noauth(requestID: "req-storm"))
                let at = Self.epoch.addingTimeInterval(90)
                var storm = StoreCommit()
                storm.portStates = (0..<rows).map {
                    var port = Self.port("p\($0)", revision: 2 + $0 % 3)
                    port.status = .active
                    port.dataPlaneStatus = .down
                    port.correlatedDataPlaneStatus = .down
                    port.updatedAt = at
                    return port
                }
                storm.outbox = (0..<rows).map {
                    OutboxRecord(
                        sequence: Int64($0 + 1),
                        event: OutboxEvent(
                            eventType: "port.update.end", resourceType: "port", resourceID: "p\($0)", projectID: nil,
                            payload: Array(#"{"n":\#($0)}"#.utf8), context: context, occurredAt: at))
                }
                storm.auditCauses = [(1, Array(#"{"fault":"spine-2"}"#.utf8))]
                storm.audit = (0..<rows).map {
                    AuditEntry(
                        sequence: Int64($0 + 1), subject: "p\($0)", occurredAt: 90, body: Array(#"{"down":true}"#.utf8),
                        causeID: 1)
                }
                storm.documents = (0..<rows).map { ("fault", "f\($0)", Array(#"{"same":1}"#.utf8)) }
                try await store.commit(storm)

                // The same columns, now each with one value that differs (an array again).
                var mixed = StoreCommit()
                mixed.outbox = (0..<rows).map {
                    OutboxRecord(
                        sequence: Int64(rows + $0 + 1),
                        event: OutboxEvent(
                            eventType: $0 == rows - 1 ? "port.delete.end" : "port.update.end", resourceType: "port",
                            resourceID: "p\($0)", projectID: $0 == 0 ? "project-a" : nil, payload: [],
                            context: context, occurredAt: at))
                }
                mixed.audit = (0..<rows).map {
                    AuditEntry(
                        sequence: Int64(rows + $0 + 1), subject: "p\($0)", occurredAt: $0 == 1 ? 5 : 0,
                        body: Array(#"{"up":true}"#.utf8), causeID: nil)
                }
                try await store.commit(mixed)

                let ports = Self.byID(try await store.loadSnapshot().ports)
                for port in storm.portStates { #expect(ports[port.id] == port) }
                let records = try await store.outboxRecords(after: 0, limit: 2 * rows + 1)
                #expect(records == storm.outbox + mixed.outbox)
                let audit = try await store.auditEntries(subject: "p1", limit: 10)
                #expect(audit.map(\.sequence) == [2, Int64(rows + 2)])
                #expect(audit.map(\.causeID) == [1, nil])
                #expect(audit.map(\.occurredAt) == [90, 5])
                #expect(
                    audit.map { String(decoding: $0.body, as: UTF8.self) } == [
                        #"{"down":true,"cause":{"fault":"spine-2"}}"#, #"{"up":true}"#,
                    ])
                let documents = try await store.documents(ofKind: "fault")
                #expect(documents.count == rows)
                #expect(documents.allSatisfy { $0.body == Array(#"{"same":1}"#.utf8) })
            }
        }
    }

    /// PostgreSQL writes a commit in one statement, which cannot touch a row twice: a commit that names
    /// one row in two ways must still leave what applying its writes in turn leaves (SQLite's order).
    @Test(arguments: TestBackend.all) func rowsNamedTwiceInOneCommitEndAsWrittenInTurn(backend: TestBackend)
        async throws
    {
        try await TestDatabase.with(backend) { database in
            try await database.open { store in
                var first = StoreCommit()
                first.ports = [("p1", Self.port("p1")), ("p2", Self.port("p2"))]
                first.outbox = [Self.record(1), Self.record(2)]
                first.documents = [("topology", "t1", Array("{}".utf8)), ("topology", "t2", Array("{}".utf8))]
                try await store.commit(first)

                var state = Self.port("p1", revision: 3, name: "whole")
                state.dataPlaneStatus = .down
                var second = StoreCommit()
                // p1 written whole (which drops its state row) and as a state row after it.
                second.ports = [("p1", Self.port("p1", revision: 2, name: "whole")), ("p2", nil)]
                second.portStates = [state]
                second.pruneOutboxThrough = 2
                second.outbox = [Self.record(3)]
                second.documents = [("topology", "t1", nil), ("topology", "t2", Array("[]".utf8))]
                try await store.commit(second)

                let snapshot = try await store.loadSnapshot()
                #expect(snapshot.ports == [state])
                #expect(try await store.outboxRecords(after: 0, limit: 10).map(\.sequence) == [3])
                #expect(
                    try await store.documents(ofKind: "topology") == [
                        StoredDocument(kind: "topology", id: "t2", body: Array("[]".utf8))
                    ])
            }
        }
    }

    @Test(arguments: TestBackend.all) func repositoryStateSurvivesARestart(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let admin = Identity.noauth(requestID: "req-conformance")
            let (written, lastSequence): ([PortwatchCore.Port], Int64) = try await database.open { store in
                let repository = try await Repository(backend: store, logger: Logger(label: "test"))
                let writer = Task { await repository.runWriter() }
                defer { writer.cancel() }
                let network = try await RepositoryTests.createNetwork(repository, name: "net")
                let ports = try await repository.write { changes in
                    var input = PortInput()
                    input.networkID = network.id
                    return try changes.createPorts(
                        [input, input, input], request: .null, bulk: true, by: AccessPolicy(admin))
                }
                #expect(ports.count == 3)
                return (ports, repository.lastOutboxSequence)
            }
            try await database.open { store in
                let repository = try await Repository(backend: store, logger: Logger(label: "test"))
                #expect(repository.read { $0.networks.values.map(\.name) } == ["net"])
                for port in written { #expect(repository.port(port.id) == port) }
                #expect(lastSequence > 0)
                #expect(repository.lastOutboxSequence == lastSequence, "the outbox sequence carries on")
                let events = try await store.outboxRecords(after: 0, limit: 100)
                #expect(events.map(\.sequence) == Array(1...lastSequence))
                #expect(events.filter { $0.event.eventType == "port.create.end" }.count == 3)
            }
        }
    }
}

extension StoreCommit {
    fileprivate func with(outbox: [OutboxRecord]) -> StoreCommit {
        var copy = self
        copy.outbox = outbox
        return copy
    }
}
