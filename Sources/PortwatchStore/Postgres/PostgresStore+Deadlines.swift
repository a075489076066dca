import Foundation
import Logging
import PostgresNIO
import Synchronization

/// Bounds on the store's waits when PostgreSQL goes away: a write must fail fast, and a commit whose
/// statement got no answer must be told apart from one that certainly changed nothing.
///
/// postgres-nio's pool keeps a lease waiting while it cannot connect (its circuit breaker opens only
/// after a minute), and a query on a connection whose peer vanished without a reset waits for TCP.
/// So every lease here is bounded by ``Deadlines/lease``, and a commit whose statement has not
/// answered within ``Deadlines/statement`` is abandoned: its connection is closed and it fails with
/// ``StoreCommitError`` — ``StoreCommitError/Outcome/notApplied`` when the statement was never sent
/// (and never will be), ``StoreCommitError/Outcome/unknown`` when it was. The server ends a
/// transaction left open by a vanished client after ``Deadlines/idleInTransaction``
/// (`idle_in_transaction_session_timeout`), and rolls back a statement (its commit included) whose
/// connection was closed within ``Deadlines/clientCheck``, so an unknown outcome is settled there.
extension PostgresStore {
    /// How long the store waits for PostgreSQL.
    public struct Deadlines: Sendable {
        /// The longest wait for a connection from the pool.
        public var lease: Duration = .seconds(5)
        /// The longest wait for a commit's statement (its transaction's end included) to answer.
        public var statement: Duration = .seconds(10)
        /// The server ends a session whose transaction waits for its client this long.
        public var idleInTransaction: Duration = .seconds(10)
        /// How often the server checks, while one of Portwatch's statements runs, that Portwatch is
        /// still connected (`client_connection_check_interval`). A commit abandoned here has its
        /// connection closed: the server rolls it back within this bound instead of keeping its locks
        /// (and the next takeover, which waits for them) for as long as whatever held it up lasts.
        public var clientCheck: Duration = .seconds(1)
        /// The longest a read (a snapshot of every port included) may wait for its answers. A query
        /// sent on a connection that closed while the pool was handing it out is never answered
        /// (postgres-nio sends it with no promise once the channel's handlers are gone), so a read
        /// without an answer is abandoned and its connection closed.
        public var read: Duration = .seconds(60)

        public init() {}
    }

    /// Runs `body`, one statement that is its own transaction, on a pooled connection within
    /// ``Deadlines``; see the extension's summary. Once the statement is on its way, a wait past
    /// ``Deadlines/statement`` or a lost connection leaves the outcome unknown; an error the server
    /// answered means it rolled back.
    ///
    /// A commit is one statement, not `BEGIN`, statement, `COMMIT`: one round trip instead of three.
    /// - It is durable when it answers. The server commits the statement's implicit transaction at
    ///   the `Sync` postgres-nio sends behind it, and sends the statement's answer (kept in its output
    ///   buffer: a few dozen bytes, and postgres-nio sends no `Flush`) only then, with `ReadyForQuery`.
    /// - Nothing can fail at that commit after the statement reported success: Portwatch's schema has
    ///   no deferred constraint, and the commit sends no `NOTIFY` (a full notification queue fails the
    ///   commit that sends one), which is why the followers' wake-up is sent after it
    ///   (``ChangeBell``).
    func withBoundedStatement<T: Sendable>(
        attempt: CommitAttempt = CommitAttempt(),
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let deadlines = deadlines
        return try await withBoundedConnection(
            attempt: attempt, running: deadlines.statement,
            leaseAgainAfter: { _ in false }, failure: Self.classify,
            abandoned: { phase in
                phase == .leasing
                    ? StoreCommitError(.notApplied, reason: "no connection to the database within \(deadlines.lease)")
                    : StoreCommitError(.unknown, reason: "the commit got no answer within \(deadlines.statement)")
            }
        ) { connection in
            // Once abandoned, the statement is never sent: the outcome given stays true.
            guard attempt.committing() else { throw CancellationError() }
            return try await body(connection)
        }
    }

    /// Runs `body` on a pooled connection, waiting at most ``Deadlines/lease`` for it and
    /// ``Deadlines/read`` for `body`; past that its connection is closed and it fails. `body` must be
    /// safe to run again (reads, idempotent upserts): when the pool's connection turns out to be
    /// closed already, it runs on another.
    func withBoundedLease<T: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let deadlines = deadlines
        return try await withBoundedConnection(
            attempt: CommitAttempt(), running: deadlines.read,
            leaseAgainAfter: { error in
                Self.closedBeforeBegin(error) || (error as? PSQLError).map(Self.isClosedConnection) == true
            },
            failure: { $0 },
            abandoned: { phase in
                PostgresStoreError(
                    phase == .leasing
                        ? "no connection to the database within \(deadlines.lease)"
                        : "a read got no answer within \(deadlines.read)")
            }, body)
    }

    /// Leases a connection within ``Deadlines/lease`` and runs `body` on it, each of its waits bounded
    /// by `running` (from the lease, or from ``CommitAttempt/committing()``). The caller is
    /// answered `body`'s value, `failure` of its error, or `abandoned` of the phase a wait overran
    /// (whose connection is then closed). A connection found closed when leased, or failing as
    /// `leaseAgainAfter` says nothing reached the server, is replaced, for as long as the lease deadline
    /// allows from the first such connection.
    ///
    /// An abandoned `body` may never end (a query on a connection closed under it is never answered),
    /// so it is not awaited: it runs on, detached, and its answer is dropped.
    private func withBoundedConnection<T: Sendable>(
        attempt: CommitAttempt, running: Duration,
        leaseAgainAfter closed: @escaping @Sendable (any Error) -> Bool,
        failure: @escaping @Sendable (any Error) -> any Error,
        abandoned: @escaping @Sendable (CommitAttempt.Phase) -> any Error,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let (client, lease) = (client, deadlines.lease)
        return try await withCheckedThrowingContinuation { continuation in
            let answer = Mutex<CheckedContinuation<T, any Error>?>(continuation)
            let resume: @Sendable (Result<T, any Error>) -> Void = { result in
                answer.withLock { pending in
                    pending?.resume(with: result)
                    pending = nil
                }
            }
            let work = Task {
                var closedLeases = 0
                while true {
                    do {
                        let value = try await client.withConnection { connection in
                            guard attempt.leased(connection) else { throw CancellationError() }
                            guard !connection.isClosed else { throw ClosedWhenLeased() }
                            return try await body(connection)
                        }
                        if attempt.finish() { resume(.success(value)) }
                    } catch {
                        if error is ClosedWhenLeased || closed(error), attempt.leaseAgain() {
                            // The pool learns of a close a moment after the channel closes, and until
                            // then hands the same connection out again: give it that moment. The
                            // watchdog bounds these retries by the lease deadline, counted from the
                            // first closed lease.
                            closedLeases += 1
                            try? await Task.sleep(for: .milliseconds(min(1 << min(closedLeases, 6), 50)))
                            continue
                        }
                        if attempt.finish() { resume(.failure(failure(error))) }
                    }
                    return
                }
            }
            Task {
                while true {
                    try? await Task.sleep(for: .milliseconds(100))
                    guard let (phase, connection) = attempt.abandonIfStalled(lease: lease, running: running) else {
                        if attempt.isFinished { return }
                        continue
                    }
                    work.cancel()
                    if let connection { Self.closeWithoutWaiting(connection) }
                    resume(.failure(abandoned(phase)))
                    return
                }
            }
        }
    }

    /// What a failed commit says of its outcome (a fence refusal stays itself: it changed nothing).
    /// Only an error the server answered says the statement's transaction rolled back; any other
    /// failure once it was sent (a connection lost, closed, cancelled) leaves the outcome unknown.
    static func classify(_ error: any Error) -> any Error {
        if let refusal = error as? PostgresStoreError { return refusal }
        if let answer = error as? PSQLError, answer.code == .server {
            return StoreCommitError(.notApplied, reason: "the database refused the commit", cause: answer)
        }
        return StoreCommitError(.unknown, reason: "the commit got no answer", cause: error)
    }

    /// Whether `error` says the connection was closed before a read's transaction's `BEGIN` reached
    /// the server (the pool had not yet seen it closed): nothing of the transaction ran.
    static func closedBeforeBegin(_ error: any Error) -> Bool {
        guard let failure = error as? PostgresTransactionError, failure.closureError == nil,
            failure.commitError == nil, let begin = failure.beginError as? PSQLError
        else { return false }
        return isClosedConnection(begin)
    }

    static func isClosedConnection(_ error: PSQLError) -> Bool {
        error.code == .clientClosedConnection || error.code == .serverClosedConnection
    }
}

/// The pool handed out a connection that is already closed: nothing was sent on it.
struct ClosedWhenLeased: Error, CustomStringConvertible {
    var description: String { "the connection pool handed out a closed connection" }
}

extension PostgresStore.Deadlines {
    /// The startup parameters that make the server end a transaction its client left waiting, and a
    /// statement whose client went away.
    var startupParameters: [(String, String)] {
        [
            ("idle_in_transaction_session_timeout", "\(idleInTransaction.wholeMilliseconds)"),
            ("client_connection_check_interval", "\(clientCheck.wholeMilliseconds)"),
        ]
    }
}

extension Duration {
    /// The duration in whole milliseconds (at least 1).
    var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }
}

/// One commit's progress, shared by the task running it and the watchdog that may abandon it; every
/// decision is taken under one lock, so the outcome the watchdog reports is the one that happens.
final class CommitAttempt: Sendable {
    enum Phase: Sendable {
        case leasing, running, committing, finished, abandoned
    }

    private struct State {
        var phase = Phase.leasing
        var connection: PostgresConnection?
        var since = ContinuousClock.now
        /// When the attempt began, then when each step ended: the lease, then the statement.
        var steps: [ContinuousClock.Instant] = [.now]
        /// When the first connection found closed was put back: later leases count from there.
        var leasingAgainSince: ContinuousClock.Instant?
    }

    private let state = Mutex(State())

    /// How long each step took, oldest first (the lease, the statement), for a debug log.
    var stepDurations: [Duration] {
        state.withLock { state in zip(state.steps.dropFirst(), state.steps).map { $0 - $1 } }
    }

    /// The pool gave `connection`; false when the attempt was abandoned meanwhile.
    func leased(_ connection: PostgresConnection) -> Bool {
        state.withLock { state in
            guard state.phase == .leasing else { return false }
            (state.phase, state.connection, state.since) = (.running, connection, .now)
            state.steps.append(state.since)
            return true
        }
    }

    /// The leased connection was found closed before use: the attempt waits for another lease, within
    /// one lease deadline from the first connection found closed; false when it was abandoned meanwhile.
    func leaseAgain() -> Bool {
        state.withLock { state in
            guard state.phase == .running else { return false }
            let since = state.leasingAgainSince ?? .now
            (state.phase, state.connection, state.since, state.leasingAgainSince) = (.leasing, nil, since, since)
            return true
        }
    }

    /// The commit's statement is about to be sent; false when the attempt was abandoned (then it must
    /// not be).
    func committing() -> Bool {
        state.withLock { state in
            guard state.phase == .running else { return false }
            (state.phase, state.since) = (.committing, .now)
            return true
        }
    }

    /// The transaction ended; false when the attempt had been abandoned (its answer was given).
    func finish() -> Bool {
        state.withLock { state in
            guard state.phase != .abandoned else { return false }
            state.phase = .finished
            state.steps.append(.now)
            return true
        }
    }

    var isFinished: Bool { state.withLock { $0.phase == .finished || $0.phase == .abandoned } }

    /// Abandons the attempt when its current wait passed its deadline (`lease` for a connection,
    /// `running` since the lease or the commit's statement was sent): returns the phase it was
    /// abandoned in and its connection, or nil when it is within bounds (or over).
    func abandonIfStalled(lease: Duration, running: Duration) -> (Phase, PostgresConnection?)? {
        state.withLock { state in
            let limit: Duration
            switch state.phase {
            case .leasing: limit = lease
            case .running, .committing: limit = running
            case .finished, .abandoned: return nil
            }
            guard ContinuousClock.now - state.since >= limit else { return nil }
            defer { (state.phase, state.connection) = (.abandoned, nil) }
            return (state.phase, state.connection)
        }
    }
}

extension PostgresStore {
    /// Closes `connection` without waiting, keeping it alive until it is closed (a connection must
    /// not go away open), however long its peer takes.
    public static func closeWithoutWaiting(_ connection: PostgresConnection) {
        Task { try? await connection.close() }
    }
}
