/// Capped exponential backoff with jitter, for retrying a failing sink.
///
/// ```swift
/// var backoff = RetryBackoff(initial: .milliseconds(100), maximum: .seconds(5))
/// try await Task.sleep(for: backoff.next())   // 50–100 ms, then 100–200 ms, ... up to 2.5–5 s
/// ```
public struct RetryBackoff: Sendable, Hashable {
    /// The first delay.
    public var initial: Duration
    /// The largest delay.
    public var maximum: Duration
    private var current: Duration

    /// Creates a backoff starting at `initial`, doubling up to `maximum`.
    public init(initial: Duration = .milliseconds(100), maximum: Duration = .seconds(5)) {
        self.initial = initial
        self.maximum = max(initial, maximum)
        current = initial
    }

    /// The next delay: drawn from the upper half of the current step, so that retries spread out.
    public mutating func next() -> Duration {
        let step = current
        current = min(current * 2, maximum)
        return step * Double.random(in: 0.5...1.0)
    }

    /// The delay before the retry after `attempt` failures (1-based), without jitter.
    public func delay(afterAttempt attempt: Int) -> Duration {
        var delay = initial
        for _ in 1..<max(1, attempt) {
            delay = min(delay * 2, maximum)
            if delay == maximum { break }
        }
        return delay
    }

    /// Starts over at ``initial`` (after a success).
    public mutating func reset() { current = initial }
}
