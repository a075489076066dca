/// An item of a foreign body that an adapter did not turn into an event, and why.
///
/// ```swift
/// IgnoredSourceItem(index: 2, item: "alert NodeCPUHigh (fingerprint 9e1c…)",
///                   reason: "no label names a physical resource")
/// ```
public struct IgnoredSourceItem: Sendable, Hashable, Codable {
    /// The item's position in the body's list (alerts, events, data-change events); 0 for a
    /// single object.
    public var index: Int
    /// A short description of the item (alert name and fingerprint, event type and subject).
    public var item: String
    /// Why it produced no event.
    public var reason: String

    /// Creates a record.
    public init(index: Int, item: String, reason: String) {
        self.index = index
        self.item = item
        self.reason = reason
    }
}
