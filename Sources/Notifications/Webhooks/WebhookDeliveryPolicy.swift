/// How webhooks are delivered: attempts per notification, the delay between attempts, and the
/// time one POST may take.
public struct WebhookDeliveryPolicy: Sendable, Hashable {
    /// Attempts before a notification goes to the dead letters (default 8).
    public var maxAttempts: Int
    /// Delay after the first failed attempt, doubling after each further one up to the maximum
    /// (default 500 ms up to 60 s: 8 attempts span about a minute).
    public var backoff: RetryBackoff
    /// The most one POST may take, connection included (default 10 s).
    public var requestTimeout: Duration

    public init(
        maxAttempts: Int = 8, backoff: RetryBackoff = RetryBackoff(initial: .milliseconds(500), maximum: .seconds(60)),
        requestTimeout: Duration = .seconds(10)
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.backoff = backoff
        self.requestTimeout = requestTimeout
    }
}
