/// The verdict on one path: its state and the resources that explain it.
public struct PathEvaluation: Sendable, Hashable {
    /// Whether a path survives, and whether all redundancy does.
    public var state: DataPlaneState
    /// The highest-level failed resources that explain a `down` or `degraded` state (empty when
    /// `up`): e.g. the leaf switch rather than its ports; for "every uplink down", the spines
    /// or uplinks that failed. Sorted.
    public var rootCause: [PhysicalResourceRef]

    /// The verdict for a path with nothing failed.
    public static let up = PathEvaluation(state: .up, rootCause: [])
}

extension PathRequirement {
    /// Evaluates the tree given which resources are currently faulty.
    ///
    /// Root cause selection: in an `allOf` that is down, only the down children whose cause has
    /// the highest rank (switch, host > bond > link > switch port > NIC) are kept, so a switch
    /// that is down explains the loss even when its ports were reported down too. An `anyOf` that
    /// is down needs every branch explained, so the causes of all branches are united.
    public func evaluate(isFaulty: (PhysicalResourceRef) -> Bool) -> PathEvaluation {
        let outcome = evaluateOutcome(isFaulty)
        return PathEvaluation(state: outcome.state, rootCause: Array(Set(outcome.causes)).sorted())
    }

    private struct Outcome {
        var state: DataPlaneState
        var causes: [PhysicalResourceRef]
        var rank: Int

        static let up = Outcome(state: .up, causes: [], rank: 0)
    }

    private func evaluateOutcome(_ isFaulty: (PhysicalResourceRef) -> Bool) -> Outcome {
        switch self {
        case .resource(let resource):
            return isFaulty(resource)
                ? Outcome(state: .down, causes: [resource], rank: resource.kind.rootCauseRank) : .up
        case .allOf(let children):
            var down: [Outcome] = []
            var degraded: [Outcome] = []
            for child in children {
                let outcome = child.evaluateOutcome(isFaulty)
                switch outcome.state {
                case .down: down.append(outcome)
                case .degraded: degraded.append(outcome)
                case .up: break
                }
            }
            if !down.isEmpty {
                let topRank = down.map(\.rank).max() ?? 0
                return Outcome(
                    state: .down, causes: down.filter { $0.rank == topRank }.flatMap(\.causes), rank: topRank)
            }
            return degraded.isEmpty ? .up : Self.merge(degraded, state: .degraded)
        case .anyOf(let children):
            let outcomes = children.map { $0.evaluateOutcome(isFaulty) }
            let failing = outcomes.filter { $0.state != .up }
            if failing.isEmpty { return .up }
            let allDown = !outcomes.isEmpty && outcomes.allSatisfy { $0.state == .down }
            return Self.merge(failing, state: allDown ? .down : .degraded)
        }
    }

    private static func merge(_ outcomes: [Outcome], state: DataPlaneState) -> Outcome {
        Outcome(state: state, causes: outcomes.flatMap(\.causes), rank: outcomes.map(\.rank).max() ?? 0)
    }
}
