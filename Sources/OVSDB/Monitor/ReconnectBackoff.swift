/// Capped exponential reconnect delays with jitter: each delay is drawn from the upper half of the
/// current step, so that the monitors of many hosts do not retry in lockstep.
public struct ReconnectBackoff: Sendable, Hashable {
    /// The first delay.
    public var initial: Duration
    /// The largest delay.
    public var maximum: Duration
    private var current: Duration

    /// Creates a backoff doubling from `initial` up to `maximum`.
    public init(initial: Duration = .milliseconds(200), maximum: Duration = .seconds(10)) {
        self.initial = initial
        self.maximum = maximum
        self.current = initial
    }

    /// The next delay to wait.
    public mutating func next() -> Duration {
        let step = current
        current = min(current * 2, maximum)
        let milliseconds = max(1, step.nanoseconds / 1_000_000)
        return .milliseconds(Int64.random(in: (milliseconds / 2)...milliseconds))
    }

    /// Starts over at the initial delay (after a connection that held).
    public mutating func reset() { current = initial }
}
