import Foundation
import PortwatchCore

/// A notification a webhook subscriber did not accept within its attempts; kept for inspection.
public struct WebhookDeadLetter: Sendable, Hashable {
    public var webhookID: String
    public var sequence: Int64
    public var eventType: String
    public var messageID: String
    public var attempts: Int
    /// The last failure: an HTTP status or a transport error.
    public var lastError: String
    public var failedAt: Date
    /// The notification that was POSTed (JSON).
    public var notification: [UInt8]

    public init(
        webhookID: String, sequence: Int64, eventType: String, messageID: String, attempts: Int, lastError: String,
        failedAt: Date, notification: [UInt8]
    ) {
        self.webhookID = webhookID
        self.sequence = sequence
        self.eventType = eventType
        self.messageID = messageID
        self.attempts = attempts
        self.lastError = lastError
        self.failedAt = failedAt
        self.notification = notification
    }

    /// The document id: the webhook and the zero-padded sequence, so ids sort by sequence.
    var documentID: String { Self.documentID(webhookID: webhookID, sequence: sequence) }

    static func documentID(webhookID: String, sequence: Int64) -> String {
        let digits = String(sequence)
        return webhookID + "/" + String(repeating: "0", count: max(0, 20 - digits.count)) + digits
    }

    /// The stored document, which is also the API view.
    public var document: [UInt8] {
        var writer = JSONWriter(capacity: 256 + notification.count)
        render(into: &writer)
        return writer.bytes
    }

    /// Writes the API view.
    public func render(into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("webhook_id"); writer.string(webhookID)
        writer.key("sequence"); writer.int(sequence)
        writer.key("event_type"); writer.string(eventType)
        writer.key("message_id"); writer.string(messageID)
        writer.key("attempts"); writer.int(attempts)
        writer.key("last_error"); writer.string(lastError)
        writer.key("failed_at"); writer.string(NeutronTimestamp.formatOslo(failedAt))
        writer.key("notification"); writer.raw(notification)
        writer.endObject()
    }

    /// Reads a stored document.
    init?(document: [UInt8]) {
        guard case .object(let object)? = try? JSONValue.parse(document),
            let webhookID = object["webhook_id"]?.stringValue, case .int(let sequence)? = object["sequence"],
            case .int(let attempts)? = object["attempts"], let notification = object["notification"]
        else { return nil }
        var writer = JSONWriter(capacity: 1024)
        writer.value(notification)
        self.init(
            webhookID: webhookID, sequence: sequence, eventType: object["event_type"]?.stringValue ?? "",
            messageID: object["message_id"]?.stringValue ?? "", attempts: Int(attempts),
            lastError: object["last_error"]?.stringValue ?? "",
            failedAt: object["failed_at"]?.stringValue.flatMap {
                NeutronTimestamp.parse($0.replacingOccurrences(of: " ", with: "T"))
            }
                ?? Date(),
            notification: writer.bytes)
    }
}
