import Foundation
import NeutronClient
import PortwatchCore

/// One of Neutron's own notifications as oslo.messaging's `messagingv2` driver publishes it on the
/// `neutron` exchange with routing key `notifications.info`: an envelope
/// `{"oslo.version": "2.0", "oslo.message": "<JSON text>"}` whose message holds `event_type`,
/// `payload` and `timestamp` (UTC, `2026-12-06 11:00:00.123456`).
public struct NeutronNotification: Sendable, Hashable {
    /// What changed in Neutron.
    public enum Change: Sendable, Hashable {
        case port(NeutronPort)
        case portDeleted(String)
        case network(NeutronNetwork)
        case networkDeleted(String)
    }

    public var eventType: String
    public var change: Change
    /// When Neutron emitted it.
    public var timestamp: Date?

    /// The event types bridge mode reads; the rest (`*.start`, other resources) are ignored.
    public static let eventTypes: Set<String> = [
        "port.create.end", "port.update.end", "port.delete.end", "network.create.end", "network.update.end",
        "network.delete.end",
    ]

    public init(eventType: String, change: Change, timestamp: Date? = nil) {
        self.eventType = eventType
        self.change = change
        self.timestamp = timestamp
    }

    /// The notification in a message body; nil for anything bridge mode does not read.
    public init?(body: [UInt8]) {
        guard var message = try? JSONValue.parse(body).objectValue else { return nil }
        // messagingv2 wraps the message as JSON text; the older "messaging" driver does not.
        if let inner = message["oslo.message"]?.stringValue {
            guard let unwrapped = try? JSONValue.parse(Array(inner.utf8)).objectValue else { return nil }
            message = unwrapped
        }
        guard let eventType = message["event_type"]?.stringValue, Self.eventTypes.contains(eventType),
            let payload = message["payload"]?.objectValue
        else { return nil }
        let change: Change
        switch eventType {
        case "port.delete.end":
            guard let id = payload["port_id"]?.stringValue ?? payload["port"]?.objectValue?["id"]?.stringValue else {
                return nil
            }
            change = .portDeleted(id)
        case "network.delete.end":
            guard let id = payload["network_id"]?.stringValue ?? payload["network"]?.objectValue?["id"]?.stringValue
            else { return nil }
            change = .networkDeleted(id)
        case let type where type.hasPrefix("port."):
            guard let port = payload["port"].flatMap(NeutronPort.init(json:)) else { return nil }
            change = .port(port)
        default:
            guard let network = payload["network"].flatMap(NeutronNetwork.init(json:)) else { return nil }
            change = .network(network)
        }
        self.init(
            eventType: eventType, change: change, timestamp: message["timestamp"]?.stringValue.flatMap(Self.date))
    }

    /// oslo's `timeutils.utcnow()` rendering, `YYYY-MM-DD HH:MM:SS.ffffff` (UTC).
    static func date(_ text: String) -> Date? {
        let parts = text.split(separator: ".", maxSplits: 1)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        guard let whole = formatter.date(from: String(parts[0])) else { return nil }
        let fraction = parts.count > 1 ? Double("0." + parts[1]) ?? 0 : 0
        return whole.addingTimeInterval(fraction)
    }
}
