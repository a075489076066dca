import Foundation

/// A thread of its own for the repository's writer: the jobs of a task that prefers it
/// (`withTaskExecutorPreference`) run there one after another.
///
/// The writer prepares a batch, waits for the store's commit and applies it: with SQLite the commit
/// runs on this thread too (``CommitsOnCallingThread``), so a batch needs no other thread to take the
/// transaction and none to wake the writer when it is durable. Blocking here holds up no other task.
final class WriterThread: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var jobs: [UnownedJob] = []
    private var stopping = false
    private var running = false
    /// The system thread's name: at most 15 bytes on Linux.
    private let name: String

    init(name: String) {
        self.name = name
        condition.lock()
        startLocked()
        condition.unlock()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        // A job after the thread ended (none is expected once the writer returned) still runs.
        if !running { startLocked() }
        condition.signal()
        condition.unlock()
    }

    /// Ends the thread once it has run every job enqueued so far.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func startLocked() {
        running = true
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
    }

    private func run() {
        // Named from the thread itself: on Linux the name given before `start()` does not reach the
        // system's thread (which then shows in `top` and `perf` under its creator's name).
        Thread.current.name = name
        var batch: [UnownedJob] = []
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty {
                running = false
                condition.unlock()
                return
            }
            swap(&batch, &jobs)
            condition.unlock()
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
            batch.removeAll(keepingCapacity: true)
        }
    }
}
