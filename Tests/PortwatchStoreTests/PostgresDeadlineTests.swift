import Foundation
import Logging
import PortwatchCore
import PortwatchStore
import PostgresNIO
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The PostgreSQL store's bounded waits, against the real server: a commit that gets no answer fails
/// fast and says what is known of its outcome. A commit's statement, or its transaction's end, is held
/// up by an advisory lock the test holds (a trigger waits for it), so nothing depends on the machine's
/// speed. They need `PORTWATCH_TEST_POSTGRES_URL`.
@Suite struct PostgresDeadlineTests {
    static let logger = Logger(label: "test")

    /// Short deadlines for the statements the tests hold up. The lease stays generous: a store whose
    /// stalled statement's connection was closed opens a new one, which a busy machine may take a
    /// while to do (only ``noConnectionWithinTheLeaseDeadlineFailsAsNotApplied()`` wants it short).
    static var shortDeadlines: PostgresStore.Deadlines {
        var deadlines = PostgresStore.Deadlines()
        deadlines.lease = .seconds(10)
        deadlines.statement = .seconds(1)
        deadlines.read = .seconds(2)
        return deadlines
    }

    /// Runs `body` with a store of short deadlines on a fresh schema, and a session of the test's own.
    static func withStore(
        wakeUpSpacing: Duration = PostgresStore.defaultWakeUpSpacing,
        _ body: (PostgresStore, PostgresConnection) async throws -> Void
    ) async throws {
        guard TestBackend.postgresURL != nil else {
            Issue.record("PORTWATCH_TEST_POSTGRES_URL is not set: these tests need PostgreSQL")
            return
        }
        try await TestDatabase.with(.postgres) { database in
            try await database.open(deadlines: shortDeadlines, wakeUpSpacing: wakeUpSpacing) { backend in
                let store = backend as! PostgresStore
                let session = try await store.openSession(id: 9)
                defer { PostgresStore.closeWithoutWaiting(session) }
                try await body(store, session)
            }
        }
    }

    /// Makes an insert of the network `held` wait for advisory lock `key` — at the statement, or at
    /// the end of its transaction (`deferred`).
    static func holdUp(networkInserts store: PostgresStore, until key: Int64, deferred: Bool) async throws {
        try await store.client.query(
            """
            CREATE FUNCTION held_up() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.id = 'held' THEN PERFORM pg_advisory_xact_lock(TG_ARGV[0]::bigint); END IF;
                RETURN NULL;
            END $$
            """)
        let timing = deferred ? "DEFERRABLE INITIALLY DEFERRED" : ""
        try await store.client.query(
            PostgresQuery(
                unsafeSQL: """
                    CREATE CONSTRAINT TRIGGER held_up AFTER INSERT ON networks \(timing)
                    FOR EACH ROW EXECUTE FUNCTION held_up('\(key)')
                    """))
    }

    /// Whether any session holds or waits for advisory lock `key`.
    static func lockInUse(_ key: Int64, on session: PostgresConnection) async throws -> Bool {
        let rows = try await session.query(
            """
            SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'
            AND ((classid::bigint << 32) | objid::bigint) = \(key)
            """, logger: logger)
        var count: Int64 = 0
        for try await value in rows.decode(Int64.self) { count = value }
        return count > 0
    }

    /// Whether any session waits for advisory lock `key` (without holding it).
    static func lockAwaited(_ key: Int64, on session: PostgresConnection) async throws -> Bool {
        let rows = try await session.query(
            """
            SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
            AND ((classid::bigint << 32) | objid::bigint) = \(key)
            """, logger: logger)
        var count: Int64 = 0
        for try await value in rows.decode(Int64.self) { count = value }
        return count > 0
    }

    static func lock(_ key: Int64, on session: PostgresConnection, taking: Bool) async throws {
        let sql = taking ? "SELECT pg_advisory_lock(\(key))" : "SELECT pg_advisory_unlock(\(key))"
        for try await _ in try await session.query(PostgresQuery(unsafeSQL: sql), logger: logger) {}
    }

    static func network(_ id: String) -> StoreCommit {
        var commit = StoreCommit()
        commit.networks = [(id, StoreConformanceTests.network(id))]
        return commit
    }

    static func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }

    /// A commit is one statement that is its own transaction: once it is sent, no answer leaves the
    /// outcome unknown. Its connection is closed, so the server rolls the statement back while it still
    /// waits (`client_connection_check_interval`), and a store without a fence (a lone process) goes on
    /// committing.
    @Test func aStalledCommitStatementFailsAsUnknownAndIsRolledBack() async throws {
        try await Self.withStore { store, session in
            let key = Int64.random(in: 1_000_000...Int64(Int32.max))
            try await Self.holdUp(networkInserts: store, until: key, deferred: false)
            try await Self.lock(key, on: session, taking: true)
            let failure = await #expect(throws: StoreCommitError.self) { try await store.commit(Self.network("held")) }
            #expect(failure?.outcome == .unknown)
            #expect(store.fence == .none)
            // The server sees the closed connection and ends the statement while the test holds the lock.
            #expect(try await Self.eventually { try await !Self.lockAwaited(key, on: session) })
            try await Self.lock(key, on: session, taking: false)
            #expect(try await store.loadSnapshot().networks.isEmpty)
            // The store goes on committing.
            try await store.commit(Self.network("after"))
            #expect(try await store.loadSnapshot().networks.map(\.id) == ["after"])
        }
    }

    /// An error the server answers for the commit's statement means it rolled back: the commit fails
    /// as not applied, changes nothing, and a fenced store keeps its fence.
    @Test func aCommitTheServerRefusesFailsAsNotApplied() async throws {
        try await Self.withStore { store, session in
            try await store.client.query(
                """
                CREATE FUNCTION refuse_network() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.id = 'refused' THEN RAISE EXCEPTION 'refused by the test'; END IF;
                    RETURN NEW;
                END $$
                """)
            try await store.client.query(
                "CREATE TRIGGER refuse_network BEFORE INSERT ON networks FOR EACH ROW EXECUTE FUNCTION refuse_network()"
            )
            let epoch = try await store.takeOver(as: "a", on: session)
            let lost = LostFlag()
            store.fence(epoch: epoch) { lost.set() }
            try await store.commit(Self.network("before"))
            let failure = await #expect(throws: StoreCommitError.self) {
                try await store.commit(Self.network("refused"))
            }
            #expect(failure?.outcome == .notApplied)
            #expect(!lost.isSet)
            #expect(store.fence == .epoch(epoch))
            try await store.commit(Self.network("after"))
            #expect(try await store.loadSnapshot().networks.map(\.id).sorted() == ["after", "before"])
        }
    }

    /// The sequences announced on the change channel while `body` runs, up to the one it returns: a
    /// session listens first, and gives up after a minute (then it throws). The channel is the
    /// database's, shared by the tests running beside this one on schemas of their own, so this
    /// schema's change log first jumps to a random sequence far past theirs: an announcement of this
    /// store's commits cannot be taken for another's.
    static func announcements(
        on store: PostgresStore, during body: @escaping @Sendable () async throws -> Int64
    ) async throws -> [Int64] {
        let start = Int64.random(in: 1_000_000_000...2_000_000_000)
        try await store.client.query(
            """
            INSERT INTO changes (sequence, epoch, networks, ports, port_states, document_kinds, document_ids, outbox)
            VALUES (\(start), 0, '{}', '{}', '{}', '{}', '{}', 0)
            """)
        let listener = try await store.openSession(id: 8)
        defer { PostgresStore.closeWithoutWaiting(listener) }
        // Without that announcement the wait ends (and fails) when the listener's session is closed.
        let giveUp = Task {
            try await Task.sleep(for: .seconds(60))
            PostgresStore.closeWithoutWaiting(listener)
        }
        defer { giveUp.cancel() }
        var announced: [Int64] = []
        try await listener.listen(on: PostgresStore.changeChannel) { notifications in
            let last = try await body()
            for try await notification in notifications {
                guard let sequence = Int64(notification.payload) else { continue }
                announced.append(sequence)
                if sequence == last { break }
            }
        }
        return announced
    }

    /// Followers are woken after each commit: a `NOTIFY` on the change channel names the newest
    /// stored sequence (sent after the commit, not in its statement).
    @Test func commitsWakeTheFollowers() async throws {
        try await Self.withStore { store, _ in
            let newest = Mutex<Int64>(0)
            let announced = try await Self.announcements(on: store) {
                try await store.commit(Self.network("n1"))
                try await store.commit(Self.network("n2"))
                let through = try await store.changes(after: 0, documentKinds: []).through
                newest.withLock { $0 = through }
                return through
            }
            #expect(newest.withLock { $0 } >= 1_000_000_002)
            #expect(announced.last == newest.withLock { $0 })
        }
    }

    /// Under a stream of commits the followers are woken at most once per spacing, each wake-up naming
    /// the newest commit: five commits back to back (well inside a spacing of 10 s) are announced
    /// by at most two wake-ups, the first at once and the last naming the fifth commit.
    @Test func wakeUpsUnderAStreamOfCommitsAreSpacedAndNameTheNewest() async throws {
        try await Self.withStore(wakeUpSpacing: .seconds(10)) { store, _ in
            let started = ContinuousClock.now
            let announced = try await Self.announcements(on: store) {
                for index in 1...5 { try await store.commit(Self.network("n\(index)")) }
                return try await store.changes(after: 0, documentKinds: []).through
            }
            let last = try #require(announced.last)
            // Only this store's commits (the channel is shared with the tests beside this one).
            let own = announced.filter { (last - 4...last).contains($0) }
            #expect(own.count <= 2, "announced \(own)")
            #expect(own == own.sorted())
            if own.count == 2 { #expect(ContinuousClock.now - started >= .seconds(10)) }
        }
    }

    /// A writer alone (its heartbeat finds no other replica alive) sends no wake-up after its
    /// commits; once another replica's heartbeat is recent, it does again.
    @Test func aLoneWriterWakesNobodyUntilAnotherReplicaIsAlive() async throws {
        try await Self.withStore { store, _ in
            #expect(store.wakesFollowers, "a store that knows nothing of replicas wakes them")
            let sequences = Mutex<(alone: Int64, heard: Int64)>((0, 0))
            let announced = try await Self.announcements(on: store) {
                #expect(try await store.heartbeat(replica: "a", url: "http://a", applied: 0) == 0)
                #expect(!store.wakesFollowers)
                try await store.commit(Self.network("alone"))
                let alone = try await store.changes(after: 0, documentKinds: []).through
                // Another replica's heartbeat (here through the same database), then the writer's next.
                #expect(try await store.heartbeat(replica: "b", url: "http://b", applied: 0) == 1)
                #expect(try await store.heartbeat(replica: "a", url: "http://a", applied: 0) == 1)
                #expect(store.wakesFollowers)
                try await store.commit(Self.network("heard"))
                let heard = try await store.changes(after: 0, documentKinds: []).through
                sequences.withLock { $0 = (alone, heard) }
                return heard
            }
            let (alone, heard) = sequences.withLock { $0 }
            #expect(heard == alone + 1 && alone > 1_000_000_000)
            // The wake-up names the commit after the other replica showed up; the lone one was never sent.
            #expect(announced.last == heard)
            #expect(!announced.contains(alone))
        }
    }

    @Test func aStalledCommitFailsAsUnknownAndStopsTheFencedWriter() async throws {
        try await Self.withStore { store, session in
            let key = Int64.random(in: 1_000_000...Int64(Int32.max))
            try await Self.holdUp(networkInserts: store, until: key, deferred: true)
            let epoch = try await store.takeOver(as: "a", on: session)
            let lost = LostFlag()
            store.fence(epoch: epoch) { lost.set() }
            try await Self.lock(key, on: session, taking: true)
            let failure = await #expect(throws: StoreCommitError.self) { try await store.commit(Self.network("held")) }
            #expect(failure?.outcome == .unknown)
            // The writer is told, and the store commits nothing more until a takeover.
            #expect(lost.isSet)
            #expect(store.fence == .refused)
            await #expect(throws: PostgresStoreError.self) { try await store.commit(Self.network("next")) }
            // The commit did reach the server, and waits at its end for the test's lock. Its connection
            // was closed: the server sees that (client_connection_check_interval) and rolls it back,
            // while the test still holds the lock, so nothing waits for whatever held the commit up.
            #expect(try await Self.eventually { try await !Self.lockAwaited(key, on: session) })
            #expect(try await store.loadSnapshot().networks.isEmpty)
            try await Self.lock(key, on: session, taking: false)
        }
    }

    /// A read that gets no answer (here: held up by the test's exclusive lock on its table; in the
    /// field: a query sent on a connection closed under it, which postgres-nio never answers) fails
    /// within ``PostgresStore/Deadlines/read``; its connection is closed and the store goes on.
    @Test func aReadWithoutAnswerFailsWithinTheReadDeadline() async throws {
        try await Self.withStore { store, session in
            try await store.commit(Self.network("before"))
            for sql in ["BEGIN", "LOCK TABLE documents IN ACCESS EXCLUSIVE MODE"] {
                try await session.query(PostgresQuery(unsafeSQL: sql), logger: Self.logger)
            }
            let failure = await #expect(throws: PostgresStoreError.self) {
                try await store.documents(ofKind: "topology")
            }
            #expect(failure?.description.contains("a read got no answer") == true)
            // Reads of other tables, and writes, go on meanwhile.
            #expect(try await store.loadSnapshot().networks.map(\.id) == ["before"])
            try await session.query("COMMIT", logger: Self.logger)
            // The abandoned read's session ends; the table is readable again.
            #expect(try await store.documents(ofKind: "topology").isEmpty)
        }
    }

    /// A takeover waits for the previous writer's commits (they hold the cluster row), but not for
    /// ever: one held up past ``PostgresStore/Deadlines/statement`` fails the takeover, which the
    /// replica tries again; once the row is free it succeeds.
    @Test func aTakeoverHeldUpByACommitThatNeverEndsFailsWithinTheStatementDeadline() async throws {
        try await Self.withStore { store, session in
            let first = try await store.takeOver(as: "a", on: session)
            let contender = try await store.openSession(id: 10)
            defer { PostgresStore.closeWithoutWaiting(contender) }
            // The test's session holds the cluster row as a commit of the writer's epoch does.
            for sql in ["BEGIN", "SELECT epoch FROM cluster WHERE id = 1 FOR SHARE"] {
                try await session.query(PostgresQuery(unsafeSQL: sql), logger: Self.logger)
            }
            let failure = await #expect(throws: PostgresStoreError.self) {
                try await store.takeOver(as: "b", on: contender)
            }
            #expect(failure?.description.contains("takeover waited") == true)
            try await session.query("COMMIT", logger: Self.logger)
            // The failed attempt changed nothing; the next one takes over.
            #expect(try await store.takeOver(as: "b", on: contender) == first + 1)
            #expect(try await store.clusterStatus().writer == "b")
        }
    }

    @Test func noConnectionWithinTheLeaseDeadlineFailsAsNotApplied() async throws {
        // A server that accepts connections and never answers: the pool cannot open a session.
        let silent = try SilentListener()
        var deadlines = Self.shortDeadlines
        deadlines.lease = .seconds(1)
        let store = try PostgresStore(
            url: "postgres://postgres@127.0.0.1:\(silent.port)/none", deadlines: deadlines,
            logger: Self.logger)
        let pool = Task { await store.run() }
        defer { pool.cancel() }
        let failure = await #expect(throws: StoreCommitError.self) { try await store.commit(Self.network("n1")) }
        #expect(failure?.outcome == .notApplied)
        await #expect(throws: (any Error).self) { try await store.loadSnapshot() }
    }
}

/// A TCP listener on loopback whose connections the kernel accepts and nobody answers.
final class SilentListener: @unchecked Sendable {
    let descriptor: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let size = length
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(fd, generic, size) == 0 && listen(fd, 16) == 0 && getsockname(fd, generic, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw PostgresStoreError("cannot listen on loopback")
        }
        descriptor = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit {
        close(descriptor)
    }
}
