/// What one call to the engine did: which events counted, and which ports changed state.
public struct CorrelationResult: Sendable, Hashable {
    /// Events that changed a fault record's state.
    public var accepted: [FaultEvent] = []
    /// Events repeating the state the same source already reported for the resource.
    public var duplicates: [FaultEvent] = []
    /// Events not applied: out of order, or about a resource the topology does not know.
    public var ignored: [IgnoredFaultEvent] = []
    /// Ports whose correlated state changed, sorted by port id.
    public var changes: [PortDataPlaneChange] = []

    /// Creates an empty result.
    public init() {}

    /// The events rejected because their resource is not in the topology.
    public var unknownResourceEvents: [FaultEvent] {
        ignored.filter { $0.reason == .unknownResource }.map(\.event)
    }
}
