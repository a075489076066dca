import Synchronization
import Testing

@testable import PortwatchServer

/// The trimmer gives freed heap back after a storm and after many small commits that add up (a
/// server filled through the API), once commits are quiet; small commits alone never trim.
struct HeapTrimmerTests {
    @Test func smallCommitsThatAddUpTrimOnceQuiet() async throws {
        let trims = Atomic<Int>(0)
        let trimmer = HeapTrimmer(delay: .milliseconds(50)) { trims.add(1, ordering: .relaxed) }
        let step = HeapTrimmer.threshold / 5
        for _ in 0..<4 { trimmer.committed(rows: step) }
        try await Task.sleep(for: .milliseconds(300))
        #expect(trims.load(ordering: .relaxed) == 0, "below the threshold")

        // The fifth reaches it; the commits after it re-arm nothing: one trim.
        for _ in 0..<10 { trimmer.committed(rows: step) }
        try await waitUntil { trims.load(ordering: .relaxed) >= 1 }
        try await Task.sleep(for: .milliseconds(300))
        #expect(trims.load(ordering: .relaxed) == 1)

        // Counting starts again after a trim.
        trimmer.committed(rows: step)
        try await Task.sleep(for: .milliseconds(300))
        #expect(trims.load(ordering: .relaxed) == 1)
        trimmer.committed(rows: HeapTrimmer.threshold)
        try await waitUntil { trims.load(ordering: .relaxed) >= 2 }
    }

    @Test func aReloadTrims() async throws {
        let trims = Atomic<Int>(0)
        let trimmer = HeapTrimmer(delay: .milliseconds(50)) { trims.add(1, ordering: .relaxed) }
        trimmer.committed(rows: 0, reloaded: true)
        try await waitUntil { trims.load(ordering: .relaxed) == 1 }
    }

    private func waitUntil(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("condition not met within 60 s")
                return
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}
