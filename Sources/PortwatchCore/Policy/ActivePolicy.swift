import OsloPolicy
import Synchronization

/// The policy rules in force, replaced as a whole when the operator's policy file changes.
///
/// A request takes the rules once, when it arrives (``AccessPolicy`` holds them), so a reload never
/// changes the rules in the middle of a request; requests that arrive later see the new ones.
///
/// ```swift
/// let policy = ActivePolicy(try PolicyRules(overrides: overrides))
/// let access = AccessPolicy(identity, rules: policy.rules)
/// policy.replace(with: reloaded)
/// ```
public final class ActivePolicy: Sendable {
    private let current: Mutex<PolicyRules>

    /// The rules `rules` in force, Portwatch's defaults unless given.
    public init(_ rules: PolicyRules = AccessPolicy.defaultRules) {
        current = Mutex(rules)
    }

    /// The rules in force now.
    public var rules: PolicyRules { current.withLock { $0 } }

    /// Puts `rules` in force for every request from now on.
    public func replace(with rules: PolicyRules) {
        current.withLock { $0 = rules }
    }
}
