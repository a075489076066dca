import Foundation

/// A hypothetical change to the fabric: maintenance to start or end and fault events to apply, in
/// the shapes of `PUT /v2.0/topology/maintenance` and `POST /v2.0/data-plane-events`.
public struct WhatIfScenario: Sendable, Hashable {
    /// One maintenance change: a switch or host put into (`active`) or taken out of maintenance.
    public struct MaintenanceChange: Sendable, Hashable {
        /// The switch or host.
        public var resource: PhysicalResourceRef
        /// True to start maintenance, false to end it.
        public var active: Bool

        /// Creates a maintenance change.
        public init(resource: PhysicalResourceRef, active: Bool) {
            self.resource = resource
            self.active = active
        }
    }

    /// Maintenance changes, applied first, in order.
    public var maintenance: [MaintenanceChange]
    /// Fault events, applied after the maintenance changes, as one batch.
    public var events: [FaultEvent]

    /// Creates a scenario.
    public init(maintenance: [MaintenanceChange] = [], events: [FaultEvent] = []) {
        self.maintenance = maintenance
        self.events = events
    }
}

/// What a ``WhatIfScenario`` would do: the ports whose correlated state would change, and the
/// events that would not count.
public struct WhatIfPrediction: Sendable, Hashable {
    /// One change per port, sorted by port id (`previous` is the state now).
    public var changes: [PortDataPlaneChange]
    /// Events that would be ignored (out of order, or on a resource the engine does not know).
    public var ignored: [IgnoredFaultEvent]
    /// Events that would repeat what their source already reported.
    public var duplicates: [FaultEvent]

    /// Creates a prediction.
    public init(changes: [PortDataPlaneChange] = [], ignored: [IgnoredFaultEvent] = [], duplicates: [FaultEvent] = []) {
        self.changes = changes
        self.ignored = ignored
        self.duplicates = duplicates
    }
}

extension CorrelationEngine {
    /// Predicts what `scenario` would do, on a copy of this engine: the same steps the server takes for
    /// the real requests (maintenance first, then the events as one batch), so the answer is what the
    /// real requests then do — but nothing here is recorded.
    ///
    /// ```swift
    /// let prediction = try engine.predict(WhatIfScenario(events: [
    ///     FaultEvent(resource: .switch("lf3"), state: .down, time: now, source: "what-if")]), now: now)
    /// let lost = prediction.changes.filter { $0.current == .down }
    /// ```
    ///
    /// - Throws: ``CorrelationError`` for maintenance on a resource the engine does not know, or on a
    ///   kind that takes no maintenance; the engine is unchanged either way (it is a value).
    public func predict(_ scenario: WhatIfScenario, now: Date) throws(CorrelationError) -> WhatIfPrediction {
        var copy = self
        var changes: [PortDataPlaneChange] = []
        for change in scenario.maintenance {
            changes += try copy.setMaintenance(change.resource, active: change.active, now: now, source: "what-if")
                .changes
        }
        let result = copy.apply(scenario.events, now: now)
        changes += result.changes
        return WhatIfPrediction(
            changes: Self.coalesce(changes), ignored: result.ignored, duplicates: result.duplicates)
    }
}

/// A port the fabric's state reaches: its state now and the resources that explain it.
public struct PortImpairment: Sendable, Hashable {
    /// The Neutron port id.
    public var portID: String
    /// The port's correlated state now.
    public var state: DataPlaneState
    /// The highest-level failed resources behind a `down` or `degraded` state (empty when `up`).
    public var rootCause: [PhysicalResourceRef]
}

extension CorrelationEngine {
    /// Every port whose path mentions `resource`, with its state now: the blast radius of a fault there.
    public func dependents(of resource: PhysicalResourceRef) -> [PortImpairment] {
        Self.impairments((dependentPoints[resource] ?? []).compactMap { paths[$0] })
    }

    /// Every port that is `down` or `degraded` now: the blast radius of the active faults.
    public var impairedPorts: [PortImpairment] {
        Self.impairments(paths.values.filter { $0.evaluation.state != .up })
    }

    static func impairments(_ tracked: some Sequence<TrackedPath>) -> [PortImpairment] {
        tracked.flatMap { path in
            path.ports.map {
                PortImpairment(portID: $0, state: path.evaluation.state, rootCause: path.evaluation.rootCause)
            }
        }.sorted { $0.portID < $1.portID }
    }
}
