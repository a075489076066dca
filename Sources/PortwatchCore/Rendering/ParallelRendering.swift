import Dispatch

/// Renders many independent values on every core: a storm's tens of thousands of notification
/// payloads and audit lines are each a pure function of one port's new state.
///
/// The calling thread takes part in the work and the call returns only when every value is
/// rendered, so a synchronous caller (the store's single writer preparing a commit) stays
/// synchronous. Small inputs are rendered in place: a few hundred values are not worth a thread hop.
///
/// ```swift
/// let payloads = ParallelRendering.map(ports.count) { ports[$0].envelope(view: .full) }
/// ```
public enum ParallelRendering {
    /// Below this many values `map` renders on the calling thread alone.
    public static let minimumParallelCount = 2048
    /// Values per unit of work: small enough to balance a core that is busy elsewhere, large enough
    /// that the handing out costs nothing.
    static let chunkSize = 256

    /// `(0..<count).map(transform)`, computed on every core when `count` is large; the result is in
    /// index order. `transform` must be safe to call from several threads at once.
    public static func map<Value: Sendable>(_ count: Int, _ transform: @Sendable (Int) -> Value) -> [Value] {
        guard count >= minimumParallelCount else { return (0..<count).map(transform) }
        let chunks = (count + chunkSize - 1) / chunkSize
        return [Value](unsafeUninitializedCapacity: count) { buffer, initialized in
            let output = Output(base: buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let end = min(count, (chunk + 1) * chunkSize)
                for index in chunk * chunkSize..<end { (output.base + index).initialize(to: transform(index)) }
            }
            initialized = count
        }
    }

    /// The result's storage, shared by the chunks: each initialises its own disjoint range of it.
    private struct Output<Value>: @unchecked Sendable {
        let base: UnsafeMutablePointer<Value>
    }
}
