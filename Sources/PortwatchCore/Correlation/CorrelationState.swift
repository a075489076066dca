import Foundation

/// Fault correlation's part of the committed state: the engine (topology, fault records,
/// maintenance, attachments) and the flap damper.
///
/// It lives in ``ModelState`` and changes only through a ``ChangeSet``: an operation computes the
/// next state on the change set, and the repository makes it the committed state when the
/// transaction that carries its consequences (port states, audit lines, notifications, the fault
/// documents) is durable. A failed commit therefore leaves memory exactly where the store is.
public struct CorrelationState: Sendable {
    /// The correlation engine.
    public var engine: CorrelationEngine
    /// Per-port hold-down of changes.
    public var damper: FlapDamper
    /// The topology as the operator declared it (the engine's topology adds the learned links).
    public var declaredTopology: TopologyDocument
    /// The links each host learned from LLDP, by host id.
    public var learnedLinks: [String: [LearnedLink]]

    /// Creates the state from an engine and a hold-down in seconds (0 disables damping).
    public init(
        engine: CorrelationEngine, holdDown: TimeInterval, declaredTopology: TopologyDocument? = nil,
        learnedLinks: [String: [LearnedLink]] = [:]
    ) {
        self.engine = engine
        damper = FlapDamper(holdDown: holdDown)
        self.declaredTopology = declaredTopology ?? engine.topology.document.declaredPart
        self.learnedLinks = learnedLinks
    }
}

extension PortAttachment {
    /// Where `port` sits on the fabric, from its binding and its network's provider attributes.
    public init(port: Port, network: Network?) {
        self.init(
            portID: port.id, hostID: port.bindingHostID,
            segment: NetworkSegment(networkType: network?.networkType, physicalNetwork: network?.physicalNetwork),
            bindingProfile: port.bindingProfile, vnicType: port.bindingVnicType)
    }
}
