import Hummingbird
import PortwatchCore

/// The request context of every Portwatch route: Hummingbird's core storage plus the caller.
public struct PortwatchRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The caller, set by ``NeutronMiddleware`` before any route runs.
    public var identity: Identity { access.identity }
    /// The caller's decisions under the rules in force when the request arrived, set by
    /// ``NeutronMiddleware``: a reload during the request does not change them.
    public var access: AccessPolicy

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        access = Self.unset
    }

    /// Before the middleware runs: Neutron's noauth admin under the default rules, built once.
    private static let unset = AccessPolicy(.noauth(requestID: "req-unset"))
}
