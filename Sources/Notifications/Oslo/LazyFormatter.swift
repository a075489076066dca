import Foundation

/// An ``OsloNotificationFormatter`` built on first use, once the namespace can be read or created
/// (which needs the repository's writer, running only once the services run).
final class LazyFormatter: Sendable {
    private let publisherHost: String
    private let namespace: NotificationNamespace

    init(publisherHost: String, namespace: NotificationNamespace) {
        self.publisherHost = publisherHost
        self.namespace = namespace
    }

    func get() async throws -> OsloNotificationFormatter {
        OsloNotificationFormatter(publisherHost: publisherHost, namespace: try await namespace.uuid())
    }
}
