import Foundation
import GRDB
import Logging
import PortwatchCore
import PortwatchStore
import PostgresNIO
import Testing

/// The shared migration list on both backends: databases left by the releases before it (dumps made
/// by the binary of commit f74cfd5, `Fixtures/make-legacy-databases.sh`) upgrade in place, a database
/// of a newer binary is refused, and replicas migrating one PostgreSQL at once do not race.
@Suite struct SchemaMigrationTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// Replays the legacy dump of `database`'s backend into it (a file, or a schema of its own).
    static func replayLegacyDump(into database: TestDatabase) async throws {
        switch database.backend {
        case .sqlite:
            let dump = try String(contentsOf: fixtures.appendingPathComponent("legacy-sqlite.sql"), encoding: .utf8)
            try await DatabaseQueue(path: database.name).writeWithoutTransaction { try $0.execute(sql: dump) }
        case .postgres:
            let dump = try String(contentsOf: fixtures.appendingPathComponent("legacy-postgres.sql"), encoding: .utf8)
            try await withSession(database) { client in
                // pg_dump's statements end a line with ";" (bytea travels in hex, never spans lines).
                for statement in dump.components(separatedBy: ";\n") where !statement.isBlank {
                    try await client.query(PostgresQuery(unsafeSQL: statement))
                }
            }
        }
    }

    /// Runs `body` with a client whose `search_path` is `database`'s schema (created if needed).
    @discardableResult
    static func withSession<T>(_ database: TestDatabase, _ body: (PostgresClient) async throws -> T) async throws -> T {
        var configuration = try PostgresStore.configuration(url: TestBackend.postgresURL!)
        configuration.options.additionalStartupParameters = [("search_path", database.name)]
        let client = PostgresClient(configuration: configuration)
        let run = Task { await client.run() }
        defer { run.cancel() }
        try await client.query("CREATE SCHEMA IF NOT EXISTS \(unescaped: database.name)")
        return try await body(client)
    }

    /// The migration ids `database` records, in their recorded order, and whether a legacy version
    /// table (GRDB's or PostgreSQL's script's) is left.
    static func recorded(in database: TestDatabase) async throws -> (ids: [String], legacyTable: Bool) {
        switch database.backend {
        case .sqlite:
            return try await DatabaseQueue(path: database.name).read { db in
                (
                    try String.fetchAll(db, sql: "SELECT id FROM schema_migrations ORDER BY position"),
                    try db.tableExists("grdb_migrations")
                )
            }
        case .postgres:
            return try await withSession(database) { client in
                var ids: [String] = []
                for try await id in try await client.query("SELECT id FROM schema_migrations ORDER BY position")
                    .decode(String.self)
                {
                    ids.append(id)
                }
                var legacy = false
                for try await exists in try await client.query("SELECT to_regclass('schema_version') IS NOT NULL")
                    .decode(Bool.self)
                {
                    legacy = exists
                }
                return (ids, legacy)
            }
        }
    }

    @Test(arguments: TestBackend.all) func aLegacyDatabaseUpgradesInPlaceWithItsRows(backend: TestBackend) async throws
    {
        try await TestDatabase.with(backend) { database in
            try await Self.replayLegacyDump(into: database)
            let (ports, network) = try await database.open { store in
                let snapshot = try await store.loadSnapshot()
                #expect(snapshot.networks.map(\.name) == ["legacy-net"])
                let ports = Dictionary(uniqueKeysWithValues: snapshot.ports.map { ($0.name, $0) })
                #expect(ports.keys.sorted() == ["p1", "p2", "p3-renamed"])
                // The host fault's state-only rows still overlay the port bodies.
                #expect(ports["p1"]?.dataPlaneStatus == .down && ports["p1"]?.revisionNumber == 2)
                #expect(ports["p2"]?.correlatedDataPlaneStatus == .down)
                #expect(ports["p3-renamed"]?.dataPlaneStatus == nil && ports["p3-renamed"]?.revisionNumber == 2)
                #expect(snapshot.lastOutboxSequence == 12)
                #expect(snapshot.lastAuditSequence == 2 && snapshot.lastAuditCause == 1)
                let outbox = try await store.outboxRecords(after: 0, limit: 100)
                #expect(outbox.map(\.sequence) == Array(1...12))
                #expect(outbox.first?.event.eventType == "network.create.start")
                #expect(try await store.documents(ofKind: "fault-event").map(\.id) == ["legacy|host|compute-1"])
                let audit = try await store.auditEntries(subject: ports["p1"]!.id, limit: 10)
                #expect(audit.count == 1 && audit.first?.causeID == 1)
                let body = String(decoding: audit.first?.body ?? [], as: UTF8.self)
                #expect(body.contains(#""cause":{"faults""#))
                return (ports, snapshot.networks[0])
            }
            let recorded = try await Self.recorded(in: database)
            #expect(recorded.ids == SchemaMigration.all.map(\.id))
            #expect(!recorded.legacyTable)

            // Writes land and survive a restart (the new code's commit path on the old rows).
            try await database.open { store in
                var recovered = ports["p1"]!
                recovered.revisionNumber = 3
                recovered.dataPlaneStatus = .active
                recovered.correlatedDataPlaneStatus = .active
                var commit = StoreCommit()
                commit.portStates = [recovered]
                commit.ports = [("p4", StoreConformanceTests.port("p4", network: network.id))]
                commit.outbox = [StoreConformanceTests.record(13, resource: recovered.id)]
                commit.auditCauses = [(2, Array(#"{"faults":[]}"#.utf8))]
                commit.audit = [
                    AuditEntry(sequence: 3, subject: recovered.id, occurredAt: 1, body: Array("{}".utf8), causeID: 2)
                ]
                try await store.commit(commit)
            }
            try await database.open { store in
                let snapshot = try await store.loadSnapshot()
                let byName = Dictionary(uniqueKeysWithValues: snapshot.ports.map { ($0.id, $0) })
                #expect(byName[ports["p1"]!.id]?.dataPlaneStatus == .active)
                #expect(byName[ports["p1"]!.id]?.revisionNumber == 3)
                #expect(byName["p4"] != nil && snapshot.ports.count == 4)
                #expect(snapshot.lastOutboxSequence == 13 && snapshot.lastAuditCause == 2)
                #expect(try await store.auditEntries(subject: ports["p1"]!.id, limit: 10).count == 2)
            }
            // The repository loads it too, and its writer commits on it.
            try await database.open { store in
                let repository = try await Repository(backend: store, logger: Logger(label: "test"))
                #expect(repository.read { $0.ports.count } == 4)
                let writer = Task { await repository.runWriter() }
                var rename = PortInput()
                rename.name = "p2-after-upgrade"
                let renamed = try await repository.write { [rename] changes in
                    try changes.updatePort(
                        id: ports["p2"]!.id, rename, request: .null, ifMatch: 2, by: AccessPolicy(RepositoryTests.admin)
                    )
                }
                #expect(renamed.revisionNumber == 3, "after the state row's revision 2")
                #expect(renamed.name == "p2-after-upgrade")
                repository.stopAccepting()
                await writer.value
            }
        }
    }

    @Test func aLegacyPostgresDatabaseKeepsItsFencedCluster() async throws {
        guard TestBackend.postgresURL != nil else {
            Issue.record("PORTWATCH_TEST_POSTGRES_URL is not set: this test needs PostgreSQL")
            return
        }
        try await TestDatabase.with(.postgres) { database in
            try await Self.replayLegacyDump(into: database)
            try await database.open { backend in
                let store = backend as! PostgresStore
                // The old writer's epoch (1) is stored; a takeover moves it on and fences the old one.
                let epoch = try await store.client.withConnection { try await store.takeOver(as: "new", on: $0) }
                #expect(epoch == 2)
                store.fence(epoch: epoch) {}
                try await store.commit(PostgresClusterTests.network("after-upgrade"))
                #expect(store.newestCommittedChange == 7, "the change log continues after the old writer's 6")

            }
            try await database.open { backend in
                let deposed = backend as! PostgresStore
                deposed.fence(epoch: 1) {}
                await #expect(throws: PostgresStoreError.self) {
                    try await deposed.commit(PostgresClusterTests.network("from-the-old-epoch"))
                }
                #expect(deposed.fence == .refused)
                let networks = try await deposed.loadSnapshot().networks.map(\.id)
                #expect(networks.contains("after-upgrade") && !networks.contains("from-the-old-epoch"))
            }
        }
    }

    @Test(arguments: TestBackend.all) func aDatabaseOfANewerBinaryIsRefused(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            try await database.open { store in
                try await store.commit(PostgresClusterTests.network("n1"))
            }
            let future = "v99-from-a-newer-portwatch"
            switch backend {
            case .sqlite:
                try await DatabaseQueue(path: database.name).write {
                    try $0.execute(
                        sql: "INSERT INTO schema_migrations (id, position, applied_at) VALUES (?, 99, 0)",
                        arguments: [future])
                }
            case .postgres:
                try await Self.withSession(database) { client in
                    _ = try await client.query(
                        "INSERT INTO schema_migrations (id, position, applied_at) VALUES (\(future), 99, 0)")
                }
            }
            let refusal = await #expect(throws: SchemaMigrationError.self) {
                try await database.open { _ in }
            }
            #expect(refusal?.unknownSteps == [future])
            #expect(refusal?.description.contains("newer than this Portwatch") == true)
            #expect(try await Self.recorded(in: database).ids == SchemaMigration.all.map(\.id) + [future])
        }
    }

    @Test func replicasMigratingOnePostgresAtOnceApplyEachStepOnce() async throws {
        guard TestBackend.postgresURL != nil else {
            Issue.record("PORTWATCH_TEST_POSTGRES_URL is not set: this test needs PostgreSQL")
            return
        }
        try await TestDatabase.with(.postgres) { database in
            // The schema exists, empty: every replica starts migrating it from nothing at once.
            try await Self.withSession(database) { _ in }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        var configuration = try PostgresStore.configuration(url: TestBackend.postgresURL!)
                        configuration.options.additionalStartupParameters = [("search_path", database.name)]
                        let store = PostgresStore(configuration: configuration, logger: Logger(label: "test"))
                        let client = Task { await store.run() }
                        defer { client.cancel() }
                        try await store.migrate()
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await Self.recorded(in: database).ids == SchemaMigration.all.map(\.id))
            try await database.open { store in
                try await store.commit(PostgresClusterTests.network("n1"))
                #expect(try await store.loadSnapshot().networks.map(\.id) == ["n1"])
            }
        }
    }

    @Test func sqliteProcessesMigratingOneFileAtOnceApplyEachStepOnce() async throws {
        let database = TestBackend.sqlite.makeDatabase()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask { try await SQLiteStore(path: database.name).migrate() }
            }
            try await group.waitForAll()
        }
        #expect(try await Self.recorded(in: database).ids == SchemaMigration.all.map(\.id))
    }

    @Test func pendingStepsFollowTheListAndUnknownOnesAreRefused() throws {
        let ids = SchemaMigration.all.map(\.id)
        #expect(Set(ids).count == ids.count, "ids are unique")
        #expect(try SchemaMigration.pending(applied: []).map(\.id) == ids)
        #expect(try SchemaMigration.pending(applied: ids.prefix(2)).map(\.id) == Array(ids.dropFirst(2)))
        #expect(try SchemaMigration.pending(applied: ids).isEmpty)
        #expect(throws: SchemaMigrationError.self) { try SchemaMigration.pending(applied: ids + ["v0-unknown"]) }
    }
}

extension String {
    fileprivate var isBlank: Bool { allSatisfy(\.isWhitespace) }
}
