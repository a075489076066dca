import Cluster
import Foundation
import Logging
import PortwatchCore
import PortwatchStore
import PostgresNIO
import ServiceLifecycle
import Synchronization
import Testing

/// Two replicas in one process on a database of their own on the real PostgreSQL
/// (`PORTWATCH_TEST_POSTGRES_URL`, set by the test command; the tests fail without it): one is
/// elected, the other follows its commits, and takes over when the first stops.
@Suite struct ClusterMemberTests {
    static let logger = Logger(label: "cluster-test")

    /// One replica: its store's pool, repository and cluster member, running.
    struct Replica {
        let store: PostgresStore
        let repository: Repository
        let member: ClusterMember
        let tasks: [Task<Void, Never>]

        func stop() async {
            for task in tasks.reversed() {
                task.cancel()
                await task.value
            }
        }
    }

    static func replica(
        _ name: String, database url: String, deadlines: PostgresStore.Deadlines = PostgresStore.Deadlines()
    ) async throws -> Replica {
        let store = try PostgresStore(url: url, deadlines: deadlines, logger: logger)
        let pool = Task { await store.run() }
        let repository = try await Repository(backend: store, following: true, logger: logger)
        var settings = ClusterSettings(replicaName: name, advertiseURL: "http://127.0.0.1:1/\(name)", secret: nil)
        settings.electionInterval = .milliseconds(100)
        settings.reloadTimeout = .seconds(10)
        let member = ClusterMember(
            settings: settings, store: store, repository: repository, fabricDocumentKinds: [],
            followedDocumentKinds: [], logger: logger
        ) { [ElectedWriterService(repository: repository)] }
        let running = Task { _ = try? await member.run() }
        return Replica(store: store, repository: repository, member: member, tasks: [pool, running])
    }

    /// Waits for `condition` with a generous bound (never a fixed sleep): true when it held.
    static func eventually(_ condition: () async -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return await condition()
    }

    /// Runs `body` with the URL of a fresh database (advisory locks are per database), dropped after.
    static func withDatabase(_ body: (String) async throws -> Void) async throws {
        guard let base = ProcessInfo.processInfo.environment["PORTWATCH_TEST_POSTGRES_URL"],
            var components = URLComponents(string: base)
        else {
            Issue.record("PORTWATCH_TEST_POSTGRES_URL is not set: these tests need PostgreSQL")
            return
        }
        let name = "cluster_\(UUID().uuidString.lowercased().prefix(8))"
        let admin = try PostgresStore(url: base, logger: logger)
        let pool = Task { await admin.run() }
        defer { pool.cancel() }
        try await admin.client.query("CREATE DATABASE \(unescaped: name)")
        components.path = "/" + name
        do {
            try await body(components.string!)
        } catch {
            _ = try? await admin.client.query("DROP DATABASE IF EXISTS \(unescaped: name) WITH (FORCE)")
            throw error
        }
        try await admin.client.query("DROP DATABASE IF EXISTS \(unescaped: name) WITH (FORCE)")
    }

    /// Replica `a`, elected, then replica `b`, following it.
    static func writerAndFollower(database url: String) async throws -> (Replica, Replica) {
        let first = try await replica("a", database: url)
        #expect(await eventually { first.member.role == .writer })
        let second = try await replica("b", database: url)
        #expect(await eventually { second.member.isReady })
        return (first, second)
    }

    static func network(_ id: String) -> Network {
        Network(id: id, projectID: "project-a", createdAt: Date(timeIntervalSince1970: 1_700_000_000))
    }

    @Test func oneWriterIsElectedTheOtherFollowsAndTakesOverWhenItStops() async throws {
        try await Self.withDatabase { url in
            let (first, second) = try await Self.writerAndFollower(database: url)
            #expect(second.member.role == .follower)
            #expect(second.member.writerName == "a")

            try await first.repository.write { $0.put(Self.network("n1")) }
            #expect(first.member.appliedSequence > 0)
            // The follower applies the writer's commit, through the sequence the writer reports.
            #expect(await second.member.waitUntilApplied(first.member.appliedSequence, timeout: .seconds(60)))
            #expect(second.repository.network("n1") != nil)
            await #expect(throws: NeutronError.self) { try await second.repository.write { $0.put(Self.network("x")) } }

            await first.stop()
            #expect(await Self.eventually { second.member.role == .writer })
            try await second.repository.write { $0.put(Self.network("n2")) }
            #expect(second.repository.network("n1") != nil)
            // The stopped writer's store is fenced: nothing it commits can land.
            var late = StoreCommit()
            late.networks = [("late", Self.network("late"))]
            await #expect(throws: PostgresStoreError.self) { try await first.store.commit(late) }
            #expect(try await second.store.writer().name == "b")
            await second.stop()
        }
    }

    @Test func aForwardedWriteIsAnsweredWhenTheFollowerAppliesItsCommit() async throws {
        try await Self.withDatabase { url in
            let (first, second) = try await Self.writerAndFollower(database: url)
            try await first.repository.write { $0.put(Self.network("n1")) }
            #expect(await second.member.waitUntilApplied(first.member.appliedSequence, timeout: .seconds(60)))

            // A wait for the next commit, registered before the commit exists, ends with its apply.
            let next = first.member.appliedSequence + 1
            let waiting = Task { await second.member.waitUntilApplied(next, timeout: .seconds(600)) }
            #expect(await Self.eventually { second.member.waitingForApply == 1 })
            try await first.repository.write { $0.put(Self.network("n2")) }
            #expect(await waiting.value)
            #expect(second.repository.network("n2") != nil)
            #expect(second.member.waitingForApply == 0)
            // A commit that never comes: the wait ends at its bound, and says so.
            #expect(await second.member.waitUntilApplied(next + 1_000, timeout: .milliseconds(100)) == false)
            await second.stop()
            await first.stop()
        }
    }

    @Test func aCommitWhoseOutcomeIsUnknownStepsTheWriterDownUntilATakeoverSettlesIt() async throws {
        try await Self.withDatabase { url in
            var deadlines = PostgresStore.Deadlines()
            deadlines.statement = .seconds(1)
            let replica = try await Self.replica("a", database: url, deadlines: deadlines)
            #expect(await Self.eventually { replica.member.role == .writer })
            let epoch = try await replica.store.writer().epoch
            // COMMIT of the network `held` waits for an advisory lock this test holds.
            let key = Int64.random(in: 1_000_000...Int64(Int32.max))
            let session = try await replica.store.openSession(id: 9)
            defer { PostgresStore.closeWithoutWaiting(session) }
            for sql in [
                """
                CREATE FUNCTION held_up() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN IF NEW.id = 'held' THEN PERFORM pg_advisory_xact_lock(\(key)); END IF; RETURN NULL; END $$
                """,
                """
                CREATE CONSTRAINT TRIGGER held_up AFTER INSERT ON networks DEFERRABLE INITIALLY DEFERRED
                FOR EACH ROW EXECUTE FUNCTION held_up()
                """,
                "SELECT pg_advisory_lock(\(key))",
            ] {
                for try await _ in try await session.query(PostgresQuery(unsafeSQL: sql), logger: Self.logger) {}
            }

            let started = ContinuousClock.now
            let failure = await #expect(throws: NeutronError.self) {
                try await replica.repository.write { $0.put(Self.network("held")) }
            }
            // Answered 503 (a guard against the pool's minute-long wait, not a speed check).
            #expect(failure?.httpStatus == 503)
            #expect(ContinuousClock.now - started < .seconds(30))
            // Fail-stop: the replica is not the writer while the outcome is unknown.
            #expect(replica.repository.isFollowing)
            #expect(replica.repository.network("held") == nil)

            // The next takeover waits for the abandoned COMMIT to be settled. Its connection was closed,
            // so the server rolls it back without waiting for the lock the test still holds; then the
            // replica is the writer again and memory holds what the store holds.
            // (The epoch moves only at a takeover, which comes after the step-down.)
            #expect(
                await Self.eventually {
                    (try? await replica.store.writer().epoch) ?? 0 > epoch && replica.member.role == .writer
                })
            #expect(replica.repository.network("held") == nil)
            #expect(try await !replica.store.loadSnapshot().networks.map(\.id).contains("held"))
            try await replica.repository.write { $0.put(Self.network("after")) }
            for try await _ in try await session.query("SELECT pg_advisory_unlock(\(key))", logger: Self.logger) {}
            await replica.stop()
        }
    }
}
