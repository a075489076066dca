import Foundation
import PortwatchCore
import Synchronization
import Testing

@testable import PortwatchStore

/// The SQLite store's WAL stays bounded while commits never pause.
@Suite struct SQLiteWALTests {
    /// 3,000 small commits from two writers, so that one is always queued, while checkpoints run back
    /// to back beside them (as the server's checkpointer does every 500 ms): a passive checkpoint alone
    /// never finds the WAL without new frames, so the WAL never started over and grew by every commit.
    @Test func theWALStaysBoundedUnderCommitsThatNeverPause() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pw-wal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("store.sqlite").path
        var limits = SQLiteStore.WALLimits()
        limits.restartFrames = 64
        let store = try SQLiteStore(path: path, synchronous: .normal, walLimits: limits)
        try await store.migrate()

        let commits = 1_500
        let done = Atomic(false)
        let checkpoints = Task {
            var passes = 0
            while !done.load(ordering: .relaxed) {
                try await store.checkpoint()
                passes += 1
                await Task.yield()
            }
            return passes
        }
        // Two writers, so that a commit is always queued behind the one running.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<2 {
                group.addTask {
                    for round in 0..<commits {
                        var commit = StoreCommit()
                        commit.ports = (0..<5).map { index in
                            let id = "port-\(writer)-\(index)"
                            return (id, StoreConformanceTests.port(id, revision: round + 1, name: "round \(round)"))
                        }
                        try await store.commit(commit)
                    }
                }
            }
            try await group.waitForAll()
        }
        done.store(true, ordering: .relaxed)
        let passes = try await checkpoints.value
        #expect(passes > 0)
        // One more checkpoint after the last commit, as the server's checkpointer runs.
        try await store.checkpoint()
        let wal = try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int ?? 0
        // Without the restart: 39–59 MB here; with it, 0.6–0.9 MB (two burners beside). The bound leaves room for a slow
        // checkpointer (commits that land while one pass runs) without letting the old growth pass.
        #expect(wal <= 8 << 20, "the WAL is \(wal) bytes")
        // Every commit is there.
        let snapshot = try await store.loadSnapshot()
        #expect(snapshot.ports.count == 10)
        #expect(snapshot.ports.allSatisfy { $0.revisionNumber == commits })
    }
}
