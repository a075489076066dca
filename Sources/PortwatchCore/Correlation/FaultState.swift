/// What a fault event says about a resource.
public enum FaultState: String, Codable, Sendable, Hashable {
    /// The resource has failed (firing alert, link down, device unavailable).
    case down
    /// The resource works again (resolved alert, link up).
    case up
}
