import Hummingbird
import Notifications
import PortwatchCore
import PortwatchStore

/// Portwatch's notification endpoints under `/v2.0/portwatch`: webhook subscriptions
/// (`/webhooks`, `/webhooks/{id}`, `/webhooks/{id}/dead-letters`) and the live stream (`/stream`).
///
/// Register after ``NeutronAPI`` so that its middleware (identity, Neutron error bodies) applies:
///
/// ```swift
/// NeutronAPI(repository: repository).register(on: router)
/// NotificationsAPI(hub: hub).register(on: router)
/// ```
public struct NotificationsAPI: Sendable {
    /// The notification machinery the routes manage and read.
    public let hub: NotificationHub

    public init(hub: NotificationHub) {
        self.hub = hub
    }

    /// Adds the routes to `router`.
    public func register(on router: Router<PortwatchRequestContext>) {
        registerWebhooks(on: router)
        registerStream(on: router)
    }
}
