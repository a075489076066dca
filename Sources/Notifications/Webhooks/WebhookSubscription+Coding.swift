import Foundation
import PortwatchCore

extension WebhookSubscription {
    /// The stored document (secret included).
    var document: [UInt8] {
        var writer = JSONWriter(capacity: 512)
        writer.beginObject()
        writer.key("id"); writer.string(id)
        writer.key("url"); writer.string(url)
        writer.key("event_types"); writer.strings(eventTypes)
        writer.key("project_id"); writer.optionalString(projectID)
        writer.key("owner_project_id"); writer.optionalString(ownerProjectID)
        writer.key("secret"); writer.optionalString(secret)
        writer.key("max_attempts")
        if let maxAttempts { writer.int(maxAttempts) } else { writer.null() }
        writer.key("start_sequence"); writer.int(startSequence)
        writer.key("created_at"); writer.string(NeutronTimestamp.format(createdAt))
        writer.key("privileged"); writer.bool(privileged)
        writer.endObject()
        return writer.bytes
    }

    /// Reads a stored document.
    init?(document: [UInt8]) {
        guard let object = try? JSONValue.parse(document).objectValue,
            let id = object["id"]?.stringValue, let url = object["url"]?.stringValue
        else { return nil }
        self.init(
            id: id, url: url,
            eventTypes: object["event_types"]?.arrayValue?.compactMap(\.stringValue) ?? ["*"],
            projectID: object["project_id"]?.stringValue, ownerProjectID: object["owner_project_id"]?.stringValue,
            secret: object["secret"]?.stringValue,
            maxAttempts: object["max_attempts"].flatMap { if case .int(let n) = $0 { Int(n) } else { nil } },
            startSequence: object["start_sequence"].flatMap { if case .int(let n) = $0 { n } else { nil } } ?? 0,
            createdAt: object["created_at"]?.stringValue.flatMap(NeutronTimestamp.parse) ?? Date(),
            privileged: object["privileged"]?.boolValue)
    }

    /// The API view: everything but the secret, whose presence shows as `has_secret`.
    public func render(into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("id"); writer.string(id)
        writer.key("url"); writer.string(url)
        writer.key("event_types"); writer.strings(eventTypes)
        writer.key("project_id"); writer.optionalString(projectID)
        writer.key("tenant_id"); writer.optionalString(ownerProjectID)
        writer.key("has_secret"); writer.bool(secret != nil)
        writer.key("max_attempts")
        if let maxAttempts { writer.int(maxAttempts) } else { writer.null() }
        writer.key("created_at"); writer.string(NeutronTimestamp.format(createdAt))
        writer.endObject()
    }
}
