import Foundation
import PortwatchCore
import PortwatchStore
import Synchronization
import Testing

@testable import Notifications

/// The dispatcher with a ``PipelinedNotificationSink``: several batches in flight, the cursor moved
/// over confirmed batches only, and everything after it delivered again, in order, when one fails.
struct PipelinedDispatchTests {
    @Test func keepsBatchesInFlightAndRedeliversInOrderAfterAFailure() async throws {
        let store = try await TestStore.open()
        try await store.emit(40)
        let sink = ManualPipelinedSink()
        let stop = StopSignal()
        let running = Task {
            await OutboxDispatcher(
                sink: sink, repository: store.repository, signal: OutboxSignal(repository: store.repository),
                batchSize: 5, inFlight: 4, backoff: RetryBackoff(initial: .milliseconds(1), maximum: .milliseconds(20)),
                logger: testLogger
            ).run(until: stop)
        }
        // Four batches go out before the first is confirmed, each behind the one before.
        #expect(await eventually { sink.started.count == 4 })
        let first = sink.started
        #expect(first.map(\.sequences) == (0..<4).map { batch in (1...5).map { Int64(batch * 5 + $0) } })
        #expect(first[0].after == nil)
        #expect((1..<4).allSatisfy { first[$0].after === first[$0 - 1] })

        // A later batch confirmed does not move the cursor past the oldest; the oldest fails (its
        // channel is lost, and with it the batches behind it).
        first[1].settle(true)
        for delivery in first where delivery !== first[1] { delivery.settle(false) }
        sink.confirmFromNowOn()
        #expect(try await eventually { try await store.repository.backend.cursor(of: sink.name) == 40 })
        stop.stop()
        await running.value

        let again = Array(sink.started.dropFirst(4))
        #expect(again.first?.after == nil)
        #expect(again.flatMap(\.sequences) == Array(1...40))
        #expect(sink.mostInFlight <= 4)
        await store.close()
    }
}

/// A pipelined sink whose deliveries the test confirms or fails by hand (or, after
/// ``confirmFromNowOn()``, that confirms everything at once).
final class ManualPipelinedSink: PipelinedNotificationSink {
    final class Delivery: PendingDelivery {
        let sequences: [Int64]
        let after: Delivery?
        private let outcome = Mutex<Bool?>(nil)

        init(sequences: [Int64], after: Delivery?) {
            self.sequences = sequences
            self.after = after
        }

        var isSettled: Bool { outcome.withLock { $0 != nil } }

        func settle(_ confirmed: Bool) { outcome.withLock { $0 = $0 ?? confirmed } }

        func delivered() async throws {
            while true {
                switch outcome.withLock({ $0 }) {
                case true?: return
                case false?: throw RecordingSink.Failure()
                case nil: try await Task.sleep(for: .milliseconds(1))
                }
            }
        }
    }

    let name = "pipelined"
    private let state = Mutex<(started: [Delivery], confirming: Bool, mostInFlight: Int)>(([], false, 0))

    var started: [Delivery] { state.withLock { $0.started } }
    /// The most deliveries that were started and not settled at once.
    var mostInFlight: Int { state.withLock { $0.mostInFlight } }

    func confirmFromNowOn() {
        let started = state.withLock { state in
            state.confirming = true
            return state.started
        }
        for delivery in started { delivery.settle(true) }
    }

    func deliver(_ records: [OutboxRecord]) async throws {
        try await startDelivery(records, after: nil).delivered()
    }

    func startDelivery(_ records: [OutboxRecord], after previous: Delivery?) async throws -> Delivery {
        let delivery = Delivery(sequences: records.map(\.sequence), after: previous)
        state.withLock { state in
            state.started.append(delivery)
            if state.confirming { delivery.settle(true) }
            state.mostInFlight = max(state.mostInFlight, state.started.count { !$0.isSettled })
        }
        return delivery
    }
}
