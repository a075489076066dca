import OsloPolicy
import Synchronization

/// The policy rules in force, replaced as a whole when the operator's policy file changes, and what
/// they decide for each caller.
///
/// A request takes its ``AccessPolicy`` once, when it arrives, so a reload never changes the rules
/// in the middle of a request; requests that arrive later see the new ones. What the rules decide
/// for a caller's credentials alone (`is_admin`, the project scope, the attributes its roles show)
/// is computed on its first request and kept until the rules change: the next request of the same
/// caller costs a lookup.
///
/// ```swift
/// let policy = ActivePolicy(try PolicyRules(overrides: overrides))
/// let access = policy.access(for: identity)
/// policy.replace(with: reloaded)
/// ```
public final class ActivePolicy: Sendable {
    private struct State {
        var rules: PolicyRules
        /// Bumped by every replacement, so that decisions made under old rules are not kept.
        var generation = 0
        /// Keyed by the credentials as the request gave them, before roles are expanded.
        var callers: [Credentials: AccessPolicy.Caller] = [:]
    }

    /// The most callers whose decisions are kept; past it the cache starts over (a cloud's active
    /// users fit, and a flood of new identities cannot grow it without bound).
    static let cachedCallers = 4096

    private let state: Mutex<State>

    /// The rules `rules` in force, Portwatch's defaults unless given.
    public init(_ rules: PolicyRules = AccessPolicy.defaultRules) {
        state = Mutex(State(rules: rules))
    }

    /// The rules in force now.
    public var rules: PolicyRules { state.withLock { $0.rules } }

    /// Puts `rules` in force for every request from now on.
    public func replace(with rules: PolicyRules) {
        state.withLock {
            $0.rules = rules
            $0.generation += 1
            $0.callers = [:]
        }
    }

    /// The decisions of `identity` under the rules in force now.
    public func access(for identity: Identity) -> AccessPolicy {
        let credentials = identity.policyCredentials
        let (rules, generation, cached) = state.withLock { ($0.rules, $0.generation, $0.callers[credentials]) }
        if let cached { return AccessPolicy(identity, caller: cached) }
        // Evaluated outside the lock: requests of other callers need not wait for it.
        let caller = AccessPolicy.Caller(rules, credentials: credentials)
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.callers.count >= Self.cachedCallers { state.callers.removeAll(keepingCapacity: true) }
            state.callers[credentials] = caller
        }
        return AccessPolicy(identity, caller: caller)
    }
}
