import Foundation
import Notifications

extension ServerConfiguration {
    /// The notification settings these options give.
    public var notificationSettings: NotificationSettings {
        NotificationSettings(
            sinkURLs: notify, publisherHost: publisherHost,
            webhookPolicy: WebhookDeliveryPolicy(maxAttempts: webhookMaxAttempts), retention: outboxRetention)
    }

    /// Parses a duration such as `24h`, `90m`, `30s`, `500ms` or a plain number of seconds.
    public static func parseDuration(_ text: String) -> Duration? {
        let text = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(suffix: String, seconds: Double)] = [
            ("ms", 0.001), ("h", 3600), ("m", 60), ("s", 1), ("d", 86_400),
        ]
        for unit in units where text.hasSuffix(unit.suffix) {
            guard let value = Double(text.dropLast(unit.suffix.count)), value >= 0 else { return nil }
            return .milliseconds(Int64((value * unit.seconds * 1000).rounded()))
        }
        guard let value = Double(text), value >= 0 else { return nil }
        return .milliseconds(Int64((value * 1000).rounded()))
    }
}
