import Foundation
import Logging
import PortwatchCore
import PortwatchStore
import Synchronization

@testable import Notifications

/// A repository on a fresh SQLite file with its writer running.
struct TestStore {
    let repository: Repository
    let path: String
    let writer: Task<Void, Never>

    static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("portwatch-notify-\(UUID().uuidString).sqlite")
            .path
    }

    static func open(path: String = temporaryPath()) async throws -> TestStore {
        let repository = try await Repository(
            backend: try SQLiteStore(path: path, synchronous: .normal), logger: testLogger)
        let writer = Task { await repository.runWriter() }
        return TestStore(repository: repository, path: path, writer: writer)
    }

    func close() async {
        writer.cancel()
        await writer.value
    }

    /// Commits one outbox event per entry, in one transaction.
    @discardableResult
    func emit(_ events: [(type: String, resource: String, project: String?)]) async throws -> Int {
        try await repository.write { changeSet in
            for event in events {
                changeSet.emit(
                    event.type, resourceType: "port", resourceID: event.resource, projectID: event.project,
                    payload: Array(#"{"port": {"id": "\#(event.resource)"}}"#.utf8),
                    by: Identity(userID: "u1", projectID: event.project, roles: ["member"], requestID: "req-test"))
            }
            return events.count
        }
    }

    /// Commits `count` `port.update.end` events of `resource` in one transaction.
    @discardableResult
    func emit(_ count: Int, resource: String = "p1", project: String? = "proj-a", type: String = "port.update.end")
        async throws -> Int
    {
        try await emit(Array(repeating: (type, resource, project), count: count))
    }
}

let testLogger: Logger = {
    var logger = Logger(label: "notifications-test")
    logger.logLevel =
        ProcessInfo.processInfo.environment["PORTWATCH_TEST_LOG"].flatMap { Logger.Level(rawValue: $0) } ?? .critical
    return logger
}()

/// Polls `condition` until it holds or `timeout` passes (tests only).
func eventually(timeout: Duration = .seconds(60), _ condition: @Sendable () async throws -> Bool) async rethrows -> Bool
{
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return try await condition()
}

/// A sink that records what it got and fails its first `failures` deliveries.
final class RecordingSink: NotificationSink {
    let name: String
    private let state: Mutex<(failuresLeft: Int, batches: [[Int64]], calls: Int)>

    init(name: String = "recording", failures: Int = 0) {
        self.name = name
        state = Mutex((failures, [], 0))
    }

    struct Failure: Error {}

    func deliver(_ records: [OutboxRecord]) async throws {
        try state.withLock { state in
            state.calls += 1
            if state.failuresLeft > 0 {
                state.failuresLeft -= 1
                throw Failure()
            }
            state.batches.append(records.map(\.sequence))
        }
    }

    var delivered: [Int64] { state.withLock { $0.batches.flatMap { $0 } } }
    var batches: [[Int64]] { state.withLock { $0.batches } }
    var calls: Int { state.withLock { $0.calls } }
}

/// The repository's `Tests/Fixtures` folder.
let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures")
