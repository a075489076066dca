import Hummingbird
import OsloPolicy
import PortwatchCore

/// The request context of every Portwatch route: Hummingbird's core storage plus the caller.
public struct PortwatchRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The caller, set by ``NeutronMiddleware`` before any route runs.
    public var identity: Identity
    /// The policy rules in force when the request arrived, set by ``NeutronMiddleware``: a reload
    /// during the request does not change them.
    public var policyRules: PolicyRules

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        identity = .noauth(requestID: "req-unset")
        policyRules = AccessPolicy.defaultRules
    }

    /// The caller's decisions under the request's rules (build it once per route: it evaluates the
    /// caller's credentials).
    public var access: AccessPolicy { AccessPolicy(identity, rules: policyRules) }
}
