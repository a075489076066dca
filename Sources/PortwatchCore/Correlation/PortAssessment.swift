/// The engine's full view of one port, for the port's detail and for debugging.
public struct PortAssessment: Sendable, Hashable {
    /// The port's attachment as last given to the engine.
    public var attachment: PortAttachment
    /// Where the port sits on the fabric; nil when unknown.
    public var attachmentPoint: AttachmentPoint?
    /// The AND/OR tree of resources the port depends on; nil when unknown.
    public var path: PathRequirement?
    /// Correlated state; nil when unknown (the engine never writes such a port).
    public var state: DataPlaneState?
    /// Highest-level failed resources explaining a `down` or `degraded` state.
    public var rootCause: [PhysicalResourceRef]
    /// Counted faults on the port's path.
    public var faults: [FaultRecord]
    /// Faults on the port's path that maintenance keeps from counting.
    public var suppressedFaults: [FaultRecord]
    /// Whether the engine has reported this port `down` since it learnt of it; recovery then
    /// writes ACTIVE (see ``DataPlaneStatusPrecedence``).
    public var hasBeenDown: Bool
}
