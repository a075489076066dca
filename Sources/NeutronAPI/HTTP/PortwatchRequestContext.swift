import Hummingbird
import PortwatchCore

/// The request context of every Portwatch route: Hummingbird's core storage plus the caller.
public struct PortwatchRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The caller, set by ``NeutronMiddleware`` before any route runs.
    public var identity: Identity

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        identity = .noauth(requestID: "req-unset")
    }
}
