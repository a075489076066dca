import Foundation
import PortwatchCore
import PortwatchStore
import Testing

@testable import Notifications

/// At least once, in order, resuming from the stored cursor, woken by commits.
struct OutboxDispatcherTests {
    func dispatcher(_ sink: RecordingSink, _ store: TestStore, signal: OutboxSignal, startAfter: Int64 = 0)
        -> OutboxDispatcher
    {
        OutboxDispatcher(
            sink: sink, repository: store.repository, signal: signal, batchSize: 16,
            backoff: RetryBackoff(initial: .milliseconds(1), maximum: .milliseconds(20)), startAfter: startAfter,
            logger: testLogger)
    }

    @Test func deliversEverythingInOrderDespiteFailures() async throws {
        let store = try await TestStore.open()
        let signal = OutboxSignal(repository: store.repository)
        try await store.emit(30, resource: "a")
        let sink = RecordingSink(failures: 5)
        let stop = StopSignal()
        let running = Task { await dispatcher(sink, store, signal: signal).run(until: stop) }
        for round in 0..<10 { try await store.emit(7, resource: "p\(round)") }
        #expect(await eventually { sink.delivered.count >= 100 })
        #expect(sink.delivered == Array(1...100))
        #expect(sink.calls > sink.batches.count)  // the failed attempts were retried
        #expect(sink.batches.allSatisfy { $0.count <= 16 })
        stop.stop()
        await running.value
        #expect(try await store.repository.backend.cursor(of: sink.name) == 100)
        await store.close()
    }

    @Test func resumesAfterRestartWhereItStopped() async throws {
        let path = TestStore.temporaryPath()
        let store = try await TestStore.open(path: path)
        try await store.emit(10)
        let first = RecordingSink(name: "bus")
        let stop = StopSignal()
        let running = Task {
            await dispatcher(first, store, signal: OutboxSignal(repository: store.repository)).run(until: stop)
        }
        #expect(await eventually { first.delivered.count == 10 })
        stop.stop()
        await running.value
        try await store.emit(5)
        await store.close()

        // A new process over the same database: only the five undelivered records.
        let reopened = try await TestStore.open(path: path)
        let second = RecordingSink(name: "bus")
        let stop2 = StopSignal()
        let again = Task {
            await dispatcher(second, reopened, signal: OutboxSignal(repository: reopened.repository)).run(until: stop2)
        }
        #expect(await eventually { second.delivered.count == 5 })
        try await Task.sleep(for: .milliseconds(50))
        #expect(second.delivered == Array(11...15))
        stop2.stop()
        await again.value
        await reopened.close()
    }

    @Test func uncommittedCursorMeansRedeliveryNotLoss() async throws {
        // A crash between delivery and the cursor write: the next run delivers the batch again.
        let store = try await TestStore.open()
        try await store.emit(4)
        try await store.repository.write { $0.setCursor(of: "bus", to: 2) }
        let sink = RecordingSink(name: "bus")
        let stop = StopSignal()
        let running = Task {
            await dispatcher(sink, store, signal: OutboxSignal(repository: store.repository)).run(until: stop)
        }
        #expect(await eventually { sink.delivered == [3, 4] })
        stop.stop()
        await running.value
        await store.close()
    }

    @Test func wakesOnCommitWithoutPolling() async throws {
        let store = try await TestStore.open()
        let sink = RecordingSink()
        let stop = StopSignal()
        let running = Task {
            await dispatcher(sink, store, signal: OutboxSignal(repository: store.repository)).run(until: stop)
        }
        try await Task.sleep(for: .milliseconds(100))
        #expect(sink.calls == 0)  // idle: no delivery attempts, it sleeps on the signal
        try await store.emit(1)
        // Woken by the commit: with no polling loop, nothing else could deliver it.
        #expect(await eventually { sink.delivered == [1] })
        stop.stop()
        await running.value
        await store.close()
    }

    @Test func startAfterSkipsOlderRecords() async throws {
        let store = try await TestStore.open()
        try await store.emit(5)
        let sink = RecordingSink()
        let stop = StopSignal()
        let running = Task {
            await dispatcher(sink, store, signal: OutboxSignal(repository: store.repository), startAfter: 5).run(
                until: stop)
        }
        try await store.emit(2)
        #expect(await eventually { sink.delivered == [6, 7] })
        stop.stop()
        await running.value
        await store.close()
    }

    @Test func stopsPromptlyWhileTheSinkKeepsFailing() async throws {
        let store = try await TestStore.open()
        try await store.emit(3)
        let sink = RecordingSink(failures: .max)
        let stop = StopSignal()
        let running = Task {
            await OutboxDispatcher(
                sink: sink, repository: store.repository, signal: OutboxSignal(repository: store.repository),
                backoff: RetryBackoff(initial: .seconds(3600), maximum: .seconds(3600)), logger: testLogger
            ).run(until: stop)
        }
        #expect(await eventually { sink.calls >= 1 })
        let start = ContinuousClock.now
        stop.stop()
        await running.value
        // Not a speed check: a stop that waited out the backoff would take an hour; 10 minutes is a
        // bound no loaded machine comes near.
        #expect(ContinuousClock.now - start < .seconds(600))
        #expect(try await store.repository.backend.cursor(of: sink.name) == 0)
        await store.close()
    }

    @Test func signalWaitIsCancellable() async throws {
        let signal = OutboxSignal()
        let waiter = Task { await signal.wait(after: 0) }
        try await Task.sleep(for: .milliseconds(20))
        waiter.cancel()
        #expect(await waiter.value == false)
        signal.committed(through: 3)
        #expect(await signal.wait(after: 2))
        #expect(await signal.wait(after: 3, timeout: .milliseconds(20)) == false)
    }
}
