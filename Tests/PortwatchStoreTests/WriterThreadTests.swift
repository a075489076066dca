import Foundation
import Testing

@testable import PortwatchStore

/// The writer's thread runs the jobs of the tasks that prefer it, on that one thread, and still runs
/// one that arrives after it was told to stop.
@Suite(.timeLimit(.minutes(1))) struct WriterThreadTests {
    @Test func aTaskThatPrefersItRunsOnItsThread() async {
        let thread = WriterThread(name: "test-writer")
        defer { thread.stop() }
        let names = await withTaskExecutorPreference(thread) {
            // The body may begin on the caller's thread: the preference takes hold at a suspension.
            try? await Task.sleep(for: .milliseconds(1))
            var names: [String?] = [currentThreadName()]
            for _ in 0..<20 {
                // Each resumption after a suspension comes back to the same thread.
                try? await Task.sleep(for: .milliseconds(1))
                names.append(currentThreadName())
            }
            return names
        }
        #expect(names.count == 21)
        #expect(names.allSatisfy { $0 == "test-writer" }, "\(names)")
    }

    @Test func aJobAfterStopStillRuns() async throws {
        let thread = WriterThread(name: "test-stopped")
        thread.stop()
        // Let the thread end first, so that the next job finds it gone.
        try await Task.sleep(for: .milliseconds(50))
        let name = await withTaskExecutorPreference(thread) {
            try? await Task.sleep(for: .milliseconds(1))
            return currentThreadName()
        }
        #expect(name == "test-stopped")
        thread.stop()
    }
}

/// The running thread's name (read outside an async context, where `Thread.current` is unavailable).
private func currentThreadName() -> String? { Thread.current.name }
