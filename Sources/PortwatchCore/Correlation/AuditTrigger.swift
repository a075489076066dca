/// What made the engine re-evaluate a port.
public enum AuditTrigger: Codable, Sendable, Hashable {
    /// Fault events were accepted (see ``AuditCause/faults``).
    case faultEvents
    /// A switch or host entered maintenance.
    case maintenanceStarted(resource: PhysicalResourceRef, source: String)
    /// A switch or host left maintenance.
    case maintenanceEnded(resource: PhysicalResourceRef, source: String)
    /// The whole topology was replaced.
    case topologyReplaced
    /// The port's binding (host, segment, local links) was created or changed.
    case attachmentChanged
    /// At start-up the stored value disagreed with the verdict of the stored faults (a change held
    /// by flap damping when the server stopped, or a commit that never happened).
    case reconciledAtStart
}
