import Foundation
import Notifications

extension ServerConfiguration {
    /// The notification settings these options give.
    public var notificationSettings: NotificationSettings {
        NotificationSettings(
            sinkURLs: notify, publisherHost: publisherHost,
            webhookPolicy: WebhookDeliveryPolicy(maxAttempts: webhookMaxAttempts), retention: outboxRetention,
            webhookDestinations: webhookDestinations, webhookMaxPerProject: webhookMaxPerProject)
    }

    /// The longest duration an option takes (ten years).
    public static let maxDurationSeconds: Double = 10 * 365 * 86_400

    /// Parses a duration such as `24h`, `90m`, `30s`, `500ms`, `2d` or a plain number of seconds;
    /// nil for anything else, a negative or non-finite value, or more than ten years.
    public static func parseDuration(_ text: String) -> Duration? {
        let text = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(suffix: String, seconds: Double)] = [
            ("ms", 0.001), ("h", 3600), ("m", 60), ("s", 1), ("d", 86_400),
        ]
        var number = Substring(text)
        var scale = 1.0
        if let unit = units.first(where: { text.hasSuffix($0.suffix) }) {
            number = text.dropLast(unit.suffix.count)
            scale = unit.seconds
        }
        guard let value = Double(number), value.isFinite, value >= 0, value * scale <= maxDurationSeconds else {
            return nil
        }
        return .milliseconds(Int64((value * scale * 1000).rounded()))
    }
}
