import Dispatch
import Foundation
import Synchronization

/// A storm's notification payloads and audit lines, rendered in the background.
///
/// A large correlated write (``ChangeSet``'s `writeCorrelated`) no longer renders its rows before
/// the batch is committed: it starts this, records the rows with empty bodies, and the store writes
/// the batch's port states (and each row as soon as it is rendered) while the rest is rendered. On
/// two cores that took the rendering (~120 ms of a 50,000-port storm) off the path from the fault
/// to its commit. Each value is a pure function of one port's state as the write left it, so when
/// it is rendered does not change what it is.
///
/// Workers (all cores but one) take chunks of items in order; a thread that needs an item not yet
/// rendered renders the next chunk itself rather than wait idle.
///
/// Memory stays bounded: the workers render at most ``window`` chunks past the first one not yet
/// released, and a store that writes the rows as they come releases each chunk once written
/// (``release(chunk:)``), which frees its rows. A worker that reaches the window's end returns, and
/// a release starts one again, so that rows nobody writes (a change set rolled back) hold no thread.
/// At 100,000 ports that kept ~130 MB of rendered rows from being in memory at once.
///
/// ```swift
/// let rendering = BackgroundRendering(count: items.count) { index in (line: ..., payload: ...) }
/// let line = rendering.line(0)         // waits until item 0 is rendered
/// rendering.release(chunk: 0)          // items 0..<chunkSize are written: free them
/// ```
public final class BackgroundRendering: @unchecked Sendable {
    /// From this many items a correlated write renders in the background; fewer are rendered at once.
    public static let minimumCount = 4096
    /// Items per unit of work, handed out in order so that the first rows are ready first.
    static let chunkSize = 512
    /// Chunks the workers render past the first one not released: ~5 MB of rows. Rendering a chunk
    /// is several times quicker than writing its rows, so the store's writer does not wait on it.
    static let window = 8

    /// The number of items.
    public let count: Int
    private let chunks: Int
    // Each chunk's worker writes only its own range, before it marks the chunk done under `condition`;
    // readers read an item only once its chunk is done.
    private let lines: UnsafeMutablePointer<[UInt8]>
    private let payloads: UnsafeMutablePointer<[UInt8]?>
    private let condition = NSCondition()
    private var done: [Bool]
    /// Every chunk below this one is rendered (written under `condition`, read without it).
    private let rendered = Atomic<Int>(0)
    /// The next chunk a worker (or a waiting reader) takes.
    private let nextChunk = Atomic<Int>(0)
    /// Chunks released by the reader (under `condition`), and the first one not released.
    private var released: [Bool]
    private var firstUnreleased = 0
    /// Workers running (under `condition`).
    private var running = 0
    private let render: @Sendable (Int) -> (line: [UInt8], payload: [UInt8]?)

    /// Starts rendering `count` items with `render`, which must be safe to call from several threads at once.
    public init(count: Int, render: @escaping @Sendable (Int) -> (line: [UInt8], payload: [UInt8]?)) {
        self.count = count
        chunks = (count + Self.chunkSize - 1) / Self.chunkSize
        lines = .allocate(capacity: count)
        lines.initialize(repeating: [], count: count)
        payloads = .allocate(capacity: count)
        payloads.initialize(repeating: nil, count: count)
        done = Array(repeating: false, count: chunks)
        released = Array(repeating: false, count: chunks)
        self.render = render
        condition.lock()
        startWorkers()
        condition.unlock()
    }

    /// Starts workers (up to ``workers``) while chunks inside the window wait; under `condition`.
    private func startWorkers() {
        let end = min(chunks, firstUnreleased + Self.window)
        while running < min(Self.workers, end - nextChunk.load(ordering: .relaxed)) {
            running += 1
            // A worker holds the rendering until it ends, so `deinit` never runs while a chunk is written.
            DispatchQueue.global(qos: .userInitiated).async { [self] in
                while true {
                    condition.lock()
                    guard nextChunk.load(ordering: .relaxed) < min(chunks, firstUnreleased + Self.window) else {
                        running -= 1
                        return condition.unlock()
                    }
                    condition.unlock()
                    _ = renderNextChunk()
                }
            }
        }
    }

    /// Workers rendering at once: all cores but one, which the store's writer needs meanwhile. On two
    /// cores one worker beat two: 50,000-port storms of 631–653 against 683–737 ms (three against
    /// 684–797 ms), alternating runs.
    static let workers = max(1, ProcessInfo.processInfo.activeProcessorCount - 1)

    /// Renders the next chunk nobody took yet; false when every chunk is taken.
    private func renderNextChunk() -> Bool {
        let chunk = nextChunk.add(1, ordering: .relaxed).oldValue
        guard chunk < chunks else { return false }
        for index in chunk * Self.chunkSize..<min(count, (chunk + 1) * Self.chunkSize) {
            let value = render(index)
            lines[index] = value.line
            payloads[index] = value.payload
        }
        condition.lock()
        done[chunk] = true
        var through = rendered.load(ordering: .relaxed)
        while through < chunks, done[through] { through += 1 }
        rendered.store(through, ordering: .releasing)
        condition.broadcast()
        condition.unlock()
        return true
    }

    deinit {
        lines.deinitialize(count: count)
        lines.deallocate()
        payloads.deinitialize(count: count)
        payloads.deallocate()
    }

    /// Frees chunk `chunk`'s rows (items `chunk * chunkSize ..< (chunk + 1) * chunkSize`): the
    /// reader has read them for the last time. Chunks may be released in any order; the window moves
    /// past the first one not released.
    func release(chunk: Int) {
        waitFor(chunk: chunk)
        let items = chunk * Self.chunkSize..<min(count, (chunk + 1) * Self.chunkSize)
        condition.lock()
        defer { condition.unlock() }
        guard !released[chunk] else { return }
        released[chunk] = true
        for index in items {
            lines[index] = []
            payloads[index] = nil
        }
        while firstUnreleased < chunks, released[firstUnreleased] { firstUnreleased += 1 }
        startWorkers()
    }

    /// Item `index`'s audit line, once rendered.
    public func line(_ index: Int) -> [UInt8] {
        waitFor(chunk: index / Self.chunkSize)
        return lines[index]
    }

    /// Item `index`'s notification payload (nil when the item notifies nothing), once rendered.
    public func payload(_ index: Int) -> [UInt8]? {
        waitFor(chunk: index / Self.chunkSize)
        return payloads[index]
    }

    private func waitFor(chunk: Int) {
        while rendered.load(ordering: .acquiring) <= chunk {
            // Render what is left rather than wait; once every chunk is taken, wait for the one needed.
            if !renderNextChunk() { break }
        }
        if rendered.load(ordering: .acquiring) > chunk { return }
        condition.lock()
        while rendered.load(ordering: .acquiring) <= chunk { condition.wait() }
        condition.unlock()
    }
}

/// Outbox events and audit lines of a change set whose bodies ``BackgroundRendering`` renders.
public struct BackgroundRows: Sendable {
    /// What renders them.
    public let rendering: BackgroundRendering
    /// `events[firstEvent + k]` carries item `eventItems[k]`'s payload.
    public let firstEvent: Int
    public let eventItems: [Int]
    /// `audit[firstAudit + j]` carries item `j`'s line (every item has one).
    public let firstAudit: Int

    /// The events these rows cover, as indices of the change set's `events`.
    public var events: Range<Int> { firstEvent..<firstEvent + eventItems.count }
    /// The audit lines these rows cover, as indices of the change set's `audit`.
    public var audit: Range<Int> { firstAudit..<firstAudit + rendering.count }

    /// The payload of `events[index]` (an index in ``events``), once rendered.
    public func payload(ofEvent index: Int) -> [UInt8] {
        rendering.payload(eventItems[index - firstEvent]) ?? []
    }

    /// The body of `audit[index]` (an index in ``audit``), once rendered.
    public func line(ofAudit index: Int) -> [UInt8] {
        rendering.line(index - firstAudit)
    }

    /// Calls `body` with each chunk's events and audit lines (indices as in ``events`` and ``audit``),
    /// in order, and frees the chunk's rendered rows once it returns: they must not be read again.
    public func forEachChunk(_ body: (_ events: Range<Int>, _ audit: Range<Int>) throws -> Void) rethrows {
        let size = BackgroundRendering.chunkSize
        var event = 0
        for chunk in 0..<(rendering.count + size - 1) / size {
            let items = chunk * size..<min(rendering.count, (chunk + 1) * size)
            // `eventItems` ascends: the chunk's events follow the previous chunk's.
            let first = event
            while event < eventItems.count, eventItems[event] < items.upperBound { event += 1 }
            try body(
                firstEvent + first..<firstEvent + event, firstAudit + items.lowerBound..<firstAudit + items.upperBound)
            rendering.release(chunk: chunk)
        }
    }
}
