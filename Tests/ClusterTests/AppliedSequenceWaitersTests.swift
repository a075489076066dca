import Testing

@testable import Cluster

/// The forwarded write's wait for its commit: woken by the apply that reaches its sequence, bounded
/// by its timeout, ended by cancellation; nobody left behind.
@Suite struct AppliedSequenceWaitersTests {
    /// Waits (bounded, never a fixed sleep) until `count` tasks wait.
    static func waiting(_ waiters: AppliedSequenceWaiters, _ count: Int) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(60)
        while waiters.count != count, ContinuousClock.now < deadline { await Task.yield() }
        return waiters.count == count
    }

    @Test func anApplyWakesTheWaitersItReachesAndOnlyThose() async {
        let waiters = AppliedSequenceWaiters(applied: 3)
        #expect(await waiters.wait(for: 3, timeout: .seconds(600)))
        let five = Task { await waiters.wait(for: 5, timeout: .seconds(600)) }
        let seven = Task { await waiters.wait(for: 7, timeout: .seconds(600)) }
        #expect(await Self.waiting(waiters, 2))
        waiters.advance(to: 4)
        #expect(waiters.count == 2)
        waiters.advance(to: 6)
        #expect(await five.value)
        #expect(waiters.count == 1)
        // The applied sequence never moves back.
        waiters.advance(to: 2)
        #expect(waiters.applied == 6)
        waiters.advance(to: 9)
        #expect(await seven.value)
        #expect(waiters.count == 0)
    }

    @Test func aWaiterGivesUpAtItsTimeout() async {
        let waiters = AppliedSequenceWaiters(applied: 0)
        #expect(await waiters.wait(for: 1, timeout: .milliseconds(20)) == false)
        #expect(waiters.count == 0)
        // A later apply finds nobody to wake.
        waiters.advance(to: 1)
        #expect(waiters.applied == 1)
    }

    @Test func aCancelledWaiterReturnsFalseAndLeaves() async {
        let waiters = AppliedSequenceWaiters(applied: 0)
        let waiting = Task { await waiters.wait(for: 1, timeout: .seconds(600)) }
        #expect(await Self.waiting(waiters, 1))
        waiting.cancel()
        #expect(await waiting.value == false)
        #expect(waiters.count == 0)
        // Cancelled before it could register: false at once.
        let early = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await waiters.wait(for: 1, timeout: .seconds(600))
        }
        #expect(await early.value == false)
        #expect(waiters.count == 0)
    }

    @Test func manyWaitersOnOneSequenceAreAllWoken() async {
        let waiters = AppliedSequenceWaiters(applied: 10)
        let tasks = (0..<50).map { _ in Task { await waiters.wait(for: 11, timeout: .seconds(600)) } }
        #expect(await Self.waiting(waiters, 50))
        waiters.advance(to: 11)
        for task in tasks { #expect(await task.value) }
    }
}
