import Foundation
import PortwatchCore
import PortwatchStore

extension CorrelationService {
    /// What `scenario` would do to the ports, computed by the engine on a copy of the committed state:
    /// nothing is written, notified or audited.
    ///
    /// Refuses what the real requests refuse, before predicting anything: events or maintenance on
    /// resources correlation does not know (``CorrelationServiceError/unknownResources``), maintenance
    /// of a kind other than switch and host (``CorrelationError``). Event times in the future are
    /// clamped as ``submit(_:)`` clamps them.
    public func predict(_ scenario: WhatIfScenario) throws -> WhatIfPrediction {
        let now = Date()
        var scenario = scenario
        scenario.events = Self.clampingFutureTimes(scenario.events, now: now, maxSkew: options.maxClockSkew).0
        guard let engine = repository.read({ $0.correlation?.engine }) else {
            return WhatIfPrediction(changes: [], ignored: [], duplicates: [])
        }
        let windows = Set(engine.maintenanceWindows.map(\.resource))
        let unknown =
            scenario.maintenance.map(\.resource).filter { !engine.knows($0) && !windows.contains($0) }
            + scenario.events.map(\.resource).filter { !engine.knows($0) }
        if !unknown.isEmpty { throw CorrelationServiceError.unknownResources(unknown) }
        return try engine.predict(scenario, now: now)
    }

    /// The ports whose path mentions `resource`, with their state now; without a resource, the ports
    /// the active faults make `down` or `degraded`.
    public func blastRadius(of resource: PhysicalResourceRef?) throws -> [PortImpairment] {
        guard let engine = repository.read({ $0.correlation?.engine }) else { return [] }
        guard let resource else { return engine.impairedPorts }
        guard engine.knows(resource) else { throw CorrelationServiceError.unknownResources([resource]) }
        return engine.dependents(of: resource)
    }
}

extension CorrelationService {
    /// A port's assessment with, for its path tree, the resources on it that count as failed now and
    /// those whose faults maintenance suppresses.
    public func pathAssessment(portID: String) -> (
        assessment: PortAssessment, faulty: Set<PhysicalResourceRef>, suppressed: Set<PhysicalResourceRef>
    )? {
        repository.read { state in
            guard let engine = state.correlation?.engine, let assessment = engine.assessment(portID: portID) else {
                return nil
            }
            let resources = assessment.path?.resources ?? []
            return (
                assessment, resources.filter { engine.isFaulty($0) },
                Set(assessment.suppressedFaults.map(\.resource)).intersection(resources)
            )
        }
    }
}
