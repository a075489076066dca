/// Exponential reconnect delays with jitter: 100 ms doubling up to a 5 s cap; each delay is drawn
/// uniformly from the upper half of the current step so that many clients do not retry in lockstep.
struct AMQPBackoff {
    let initial: Duration
    let maximum: Duration
    private var current: Duration

    init(initial: Duration = .milliseconds(100), maximum: Duration = .seconds(5)) {
        self.initial = initial
        self.maximum = maximum
        self.current = initial
    }

    /// The next delay to wait.
    mutating func next() -> Duration {
        let step = current
        current = min(current * 2, maximum)
        let milliseconds = step.components.seconds * 1000 + step.components.attoseconds / 1_000_000_000_000_000
        let jittered = Int64.random(in: (milliseconds / 2)...max(milliseconds / 2, milliseconds))
        return .milliseconds(jittered)
    }

    /// Starts over at the initial delay (after a connection that held).
    mutating func reset() { current = initial }
}
