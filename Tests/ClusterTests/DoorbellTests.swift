import Testing

@testable import Cluster

/// The follower's nap between two reads of the change log: ended by a ring (a commit's NOTIFY) or its
/// duration, and nothing more: an early ring must not leave the naps after it ending at once.
@Suite struct DoorbellTests {
    /// Waits (bounded, never a fixed sleep) until a nap waits on `doorbell`.
    static func napping(_ doorbell: Doorbell) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(60)
        while !doorbell.isNapping, ContinuousClock.now < deadline { await Task.yield() }
        return doorbell.isNapping
    }

    @Test func aRingEndsANapAndARingBetweenNapsIsKeptForTheNext() async {
        let doorbell = Doorbell()
        let nap = Task { await doorbell.nap(upTo: .seconds(3600)) }
        #expect(await Self.napping(doorbell))
        doorbell.ring()
        await nap.value
        // Rung while nobody naps: the next nap ends at once (an hour-long nap would hang the test).
        doorbell.ring()
        await doorbell.nap(upTo: .seconds(3600))
    }

    @Test func aNapEndsAtItsDuration() async {
        let doorbell = Doorbell()
        await doorbell.nap(upTo: .milliseconds(10))
        await doorbell.nap(upTo: .milliseconds(10))
    }

    /// After early wake-ups, naps last their duration again. (A cancelled timer used to ring: every
    /// nap after an early wake-up ended at once, and the follower read the database without pause.)
    @Test func napsAfterEarlyRingsLastTheirDuration() async {
        let doorbell = Doorbell()
        for _ in 0..<3 {
            let nap = Task { await doorbell.nap(upTo: .seconds(3600)) }
            #expect(await Self.napping(doorbell))
            doorbell.ring()
            await nap.value
        }
        // Naps of 50 ms for half a second: about 10 of them, fewer on a slow machine, never hundreds.
        let end = ContinuousClock.now + .milliseconds(500)
        var naps = 0
        while ContinuousClock.now < end {
            await doorbell.nap(upTo: .milliseconds(50))
            naps += 1
        }
        #expect(naps <= 12)
    }
}
