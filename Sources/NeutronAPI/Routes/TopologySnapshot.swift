import FaultCorrelation
import PortwatchCore
import Synchronization

/// The indexed ``Topology`` of the correlation service's current document, rebuilt only when the
/// document changes, so that each foreign event body is mapped without re-indexing the fabric.
final class TopologySnapshot: Sendable {
    private let cached = Mutex<(document: TopologyDocument, topology: Topology)?>(nil)

    /// The topology in force.
    func current(_ correlation: CorrelationService) async throws -> Topology {
        let document = await correlation.topologyDocument
        if let hit = cached.withLock({ $0?.document == document ? $0?.topology : nil }) { return hit }
        let topology = try Topology(document)
        cached.withLock { $0 = (document, topology) }
        return topology
    }
}
