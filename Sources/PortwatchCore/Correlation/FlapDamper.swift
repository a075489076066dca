import Foundation

/// Hold-down for port state changes, so a link bouncing 20 times a second yields at most one
/// notification per hold-down period while the last state always gets through.
///
/// Per port: the first change commits at once (no added latency for the first `DOWN`). A change
/// offered within `holdDown` of the port's last committed change is held; the caller re-offers
/// at ``nextDueTime`` via ``due(now:)``, which commits the *latest* held state only if it differs
/// from the last committed one. A down/up bounce inside the window therefore produces nothing,
/// and whatever the port settled on is committed when the window ends. `holdDown` 0 disables it.
///
/// ```swift
/// var damper = FlapDamper(holdDown: 2)
/// for change in result.changes {
///     if case .commit(let committed) = damper.offer(change, now: now) { publish(committed) }
/// }
/// // later, at damper.nextDueTime:
/// damper.due(now: now).forEach(publish)
/// ```
public struct FlapDamper: Sendable {
    /// What ``offer(_:now:)`` decided.
    public enum Decision: Sendable, Hashable {
        /// Commit and publish this change now (its `previous` is the last committed state).
        case commit(PortDataPlaneChange)
        /// Held; call ``due(now:)`` at or after this time.
        case held(until: Date)
        /// Nothing to publish: the state equals the last committed one.
        case unchanged
    }

    /// Kept for every port changed within a hold-down, so a storm of 100,000 ports leaves 100,000 of
    /// them: 16 bytes each, in shards, so that one port's change (or a deleted port forgotten) copies
    /// one shard of a damper shared with the committed state, not every port's history.
    struct PortHistory: Sendable {
        var committedState: DataPlaneState?
        var committedAt: Date
    }

    /// Minimum time between two committed changes of one port; 0 disables damping.
    public var holdDown: TimeInterval
    var histories = PortKeyedShards<PortHistory>()
    /// The changes held back, by port (each port also has a history). Few, and apart from the
    /// histories: the next due time, read after every commit, looks at these alone.
    var held: [String: PortDataPlaneChange] = [:]

    /// Creates a damper with the given hold-down in seconds.
    public init(holdDown: TimeInterval) {
        self.holdDown = max(0, holdDown)
    }

    /// The earliest time a held change becomes due, or nil when nothing is held.
    public var nextDueTime: Date? {
        held.keys.lazy.compactMap { self.histories[$0]?.committedAt }.min().map { $0 + holdDown }
    }

    /// Number of ports with a change held back.
    public var heldCount: Int { held.count }

    /// Offers a change computed by the engine; see the type's documentation for the rules.
    public mutating func offer(_ change: PortDataPlaneChange, now: Date) -> Decision {
        // Disabled: nothing is held, so there is nothing to remember either.
        guard holdDown > 0 else { return .commit(change) }
        guard let history = histories[change.portID] else {
            histories[change.portID] = PortHistory(committedState: change.current, committedAt: now)
            return .commit(change)
        }
        let windowEnd = history.committedAt + holdDown
        if held[change.portID] != nil || now < windowEnd {
            held[change.portID] = change
            return .held(until: windowEnd)
        }
        guard Self.normalized(change.current) != Self.normalized(history.committedState) else {
            return .unchanged
        }
        var committed = change
        committed.previous = history.committedState
        histories[change.portID] = PortHistory(committedState: change.current, committedAt: now)
        return .commit(committed)
    }

    /// Forgets a port (deleted): nothing of it stays held.
    public mutating func forget(_ portID: String) {
        histories.removeValue(forKey: portID)
        held.removeValue(forKey: portID)
    }

    /// Commits the held changes whose window has ended (every held change with `force`, e.g. at
    /// shutdown), when their latest state differs from the last committed one; sorted by port id.
    /// Also forgets ports idle for longer than `holdDown`.
    public mutating func due(now: Date, force: Bool = false) -> [PortDataPlaneChange] {
        let holdDown = holdDown
        let held = held
        histories.removeAll { entry in
            (force || entry.value.committedAt + holdDown <= now) && (held.isEmpty || held[entry.key] == nil)
        }
        var committed: [PortDataPlaneChange] = []
        for (portID, change) in held {
            guard let history = histories[portID] else {
                self.held[portID] = nil
                continue
            }
            guard force || history.committedAt + holdDown <= now else { continue }
            self.held[portID] = nil
            // Back where it was committed: nothing to publish, and the history stays as it was.
            guard Self.normalized(change.current) != Self.normalized(history.committedState) else { continue }
            var change = change
            change.previous = history.committedState
            change.decidedAt = now
            committed.append(change)
            histories[portID] = PortHistory(committedState: change.current, committedAt: now)
        }
        committed.sort { $0.portID < $1.portID }
        return committed
    }

    private static func normalized(_ state: DataPlaneState?) -> DataPlaneState { state ?? .up }
}
