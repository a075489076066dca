import Foundation

/// A fault event the engine did not apply, and why.
public struct IgnoredFaultEvent: Codable, Sendable, Hashable {
    /// Why an event was not applied.
    public enum Reason: Codable, Sendable, Hashable {
        /// The same source already reported this resource at `latestEventTime`, which is later
        /// than the event's time, with a different state.
        case outOfOrder(latestEventTime: Date)
        /// The topology has no such resource; the API answers 404/400. Nothing was recorded.
        case unknownResource
    }

    /// The event as received.
    public var event: FaultEvent
    /// Why it was not applied.
    public var reason: Reason

    /// Creates a record of an ignored event.
    public init(event: FaultEvent, reason: Reason) {
        self.event = event
        self.reason = reason
    }
}
