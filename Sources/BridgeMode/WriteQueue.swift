import PortwatchCore
import Synchronization

/// The ports waiting for a write to Neutron: each at most once, `DOWN` verdicts before the rest,
/// and never two writes of one port at the same time (a port marked again while its write is in
/// flight is taken again once that write ends, with the value it then has).
final class WriteQueue: Sendable {
    private struct Lanes {
        var down: [String] = []
        var other: [String] = []
        var downHead = 0
        var otherHead = 0
        var queued: Set<String> = []
        var busy: Set<String> = []
        var again: Set<String> = []
        var waiters: [CheckedContinuation<String?, Never>] = []
        var closed = false

        var count: Int { queued.count }

        mutating func pop() -> String? {
            while downHead < down.count {
                defer { downHead += 1 }
                if queued.remove(down[downHead]) != nil { return down[downHead] }
            }
            while otherHead < other.count {
                defer { otherHead += 1 }
                if queued.remove(other[otherHead]) != nil { return other[otherHead] }
            }
            down.removeAll(keepingCapacity: true)
            other.removeAll(keepingCapacity: true)
            downHead = 0
            otherHead = 0
            return nil
        }
    }

    private let lanes = Mutex(Lanes())

    /// Ports queued, not counting those being written.
    var count: Int { lanes.withLock { $0.count } }

    /// Queues `portID` unless it already waits; `urgent` (a DOWN verdict) goes first.
    func mark(_ portID: String, urgent: Bool) {
        let handoff: (CheckedContinuation<String?, Never>, String)? = lanes.withLock { lanes in
            guard !lanes.closed else { return nil }
            if lanes.busy.contains(portID) {
                lanes.again.insert(portID)
                return nil
            }
            guard lanes.queued.insert(portID).inserted else { return nil }
            if urgent { lanes.down.append(portID) } else { lanes.other.append(portID) }
            guard !lanes.waiters.isEmpty, let next = lanes.pop() else { return nil }
            lanes.busy.insert(next)
            // `next` may not be `portID`: an urgent one queued earlier goes first.
            return (lanes.waiters.removeFirst(), next)
        }
        if let (waiter, next) = handoff { waiter.resume(returning: next) }
    }

    /// The next port to write, waiting for one; nil once closed.
    func next() async -> String? {
        await withCheckedContinuation { (continuation: CheckedContinuation<String?, Never>) in
            let resume: String?? = lanes.withLock { lanes in
                if lanes.closed { return .some(nil) }
                if let id = lanes.pop() {
                    lanes.busy.insert(id)
                    return .some(id)
                }
                lanes.waiters.append(continuation)
                return nil
            }
            if let resume { continuation.resume(returning: resume) }
        }
    }

    /// The write of `portID` ended; returns whether it was marked again meanwhile (and requeues it).
    func finished(_ portID: String, urgent: @autoclosure () -> Bool) {
        let again = lanes.withLock { lanes in
            lanes.busy.remove(portID)
            return lanes.again.remove(portID) != nil
        }
        if again { mark(portID, urgent: urgent()) }
    }

    /// Empties the queue and accepts marks again after ``close()`` (a replica elected writer again).
    func reopen() {
        lanes.withLock { $0 = Lanes() }
    }

    /// Wakes every waiting worker with nil; later calls of ``next()`` return nil at once.
    func close() {
        let waiters = lanes.withLock { lanes in
            lanes.closed = true
            defer { lanes.waiters.removeAll() }
            return lanes.waiters
        }
        for waiter in waiters { waiter.resume(returning: nil) }
    }
}
