import Foundation
import Synchronization
import Testing

@testable import PortwatchCore

/// A storm's rows rendered in the background stay within a window of chunks past the first one the
/// store has not released, so that a 100,000-port storm does not hold all its rendered rows at once.
struct BackgroundRenderingTests {
    @Test func workersRenderNoFurtherThanTheWindowPastTheFirstUnreleasedChunk() async throws {
        let size = BackgroundRendering.chunkSize
        let chunks = BackgroundRendering.window * 4
        let renders = Mutex([Int](repeating: 0, count: chunks * size))
        let rendering = BackgroundRendering(count: chunks * size) { index in
            renders.withLock { $0[index] += 1 }
            return (line: Array("line \(index)".utf8), payload: index % 3 == 0 ? nil : Array("payload \(index)".utf8))
        }
        func rendered() -> Int { renders.withLock { $0.reduce(0, +) } }
        let ceiling = (BackgroundRendering.window + BackgroundRendering.workers) * size

        // Nothing released: the workers fill the window, then stop.
        try await waitUntil { rendered() >= BackgroundRendering.window * size }
        try await Task.sleep(for: .milliseconds(200))
        #expect(rendered() <= ceiling)

        // Chunks 1 and 2 released while chunk 0 is not: the window does not move.
        rendering.release(chunk: 1)
        rendering.release(chunk: 2)
        try await Task.sleep(for: .milliseconds(200))
        #expect(rendered() <= ceiling)

        // Chunk 0 released: the window moves past 0, 1 and 2, and the workers start again.
        rendering.release(chunk: 0)
        try await waitUntil { rendered() >= (BackgroundRendering.window + 3) * size }
        try await Task.sleep(for: .milliseconds(200))
        #expect(rendered() <= ceiling + 3 * size)

        // Reading the rest renders it; every item is rendered once and read as rendered.
        for chunk in 3..<chunks {
            for index in chunk * size..<(chunk + 1) * size {
                #expect(rendering.line(index) == Array("line \(index)".utf8))
                #expect(rendering.payload(index) == (index % 3 == 0 ? nil : Array("payload \(index)".utf8)))
            }
            rendering.release(chunk: chunk)
        }
        #expect(renders.withLock { $0.allSatisfy { $0 == 1 } })
    }

    /// Rows never released (a change set rolled back) leave no worker behind: the rendering is freed.
    @Test func anUnreleasedRenderingIsFreedOnceItsWorkersReachTheWindow() async throws {
        weak var released: BackgroundRendering?
        let rendered = Atomic<Int>(0)
        do {
            let rendering = BackgroundRendering(count: BackgroundRendering.window * 4 * BackgroundRendering.chunkSize) {
                _ in
                rendered.add(1, ordering: .relaxed)
                return (line: [1], payload: nil)
            }
            released = rendering
        }
        try await waitUntil { released == nil }
        #expect(rendered.load(ordering: .relaxed) < BackgroundRendering.window * 4 * BackgroundRendering.chunkSize)
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
