import Foundation
import PortwatchCore

/// Formats outbox records exactly as Neutron's oslo.messaging notifier does (driver `messagingv2`).
///
/// The inner message carries `message_id`, `publisher_id` (`network.<host>`), `event_type`, `priority`
/// (`INFO`), `payload` (the record's payload as it is), `timestamp` (oslo's `YYYY-MM-DD HH:MM:SS.ffffff`),
/// `_unique_id` and the `_context_*` keys of neutron-lib's request context, in the order Neutron
/// writes them, with Python's separators. `message_id` and `_unique_id` are derived from the record's
/// sequence and the database's namespace, so a redelivered record is byte-for-byte the same message
/// (and oslo's duplicate check recognises it).
///
/// ```swift
/// let formatter = OsloNotificationFormatter(publisherHost: "ctl0", namespace: namespace)
/// let notification = formatter.format(record)   // notification.body goes on the bus
/// ```
public struct OsloNotificationFormatter: Sendable {
    /// `network.<host>`.
    public let publisherID: String
    /// The per-database namespace the message ids are derived from.
    public let namespace: UUID

    /// Creates a formatter for notifications published by `network.<publisherHost>`.
    public init(publisherHost: String, namespace: UUID) {
        publisherID = "network." + publisherHost
        self.namespace = namespace
    }

    /// The message id of the record with `sequence`.
    public func messageID(sequence: Int64) -> String {
        DeterministicUUID.make(namespace: namespace, purpose: "message_id", sequence: sequence).uuidString.lowercased()
    }

    /// Formats one record.
    public func format(_ record: OutboxRecord) -> OsloNotification {
        var segments: ContextSegments?
        let (messageID, compact) = inner(record, &segments)
        let message = Self.reformatted(compact)
        return OsloNotification(
            sequence: record.sequence, messageID: messageID, eventType: record.event.eventType, message: message,
            body: Self.envelope(message))
    }

    /// The v2 envelope of one record: ``format(_:)``'s `body`, in one pass over the inner message when it
    /// is ASCII (what a publisher needs; reformatting and then escaping the message was most of the
    /// AMQP publisher's CPU while a storm's notifications flowed).
    public func body(_ record: OutboxRecord) -> [UInt8] {
        var segments: ContextSegments?
        return body(record, &segments)
    }

    /// ``body(_:)`` of each record. The `_context_*` members are written once per run of records that
    /// share a context (a storm's, a request's), not once per record.
    public func bodies(_ records: [OutboxRecord]) -> [[UInt8]] {
        var segments: ContextSegments?
        return records.map { body($0, &segments) }
    }

    private func body(_ record: OutboxRecord, _ segments: inout ContextSegments?) -> [UInt8] {
        let (_, compact) = inner(record, &segments)
        return PythonJSON.envelope(reformatting: compact) ?? Self.envelope(Self.reformatted(compact))
    }

    /// The inner message with Python's separators and ASCII-only strings.
    private static func reformatted(_ compact: [UInt8]) -> [UInt8] {
        var message: [UInt8] = []
        message.reserveCapacity(compact.count + compact.count / 8)
        PythonJSON.reformat(compact, into: &message)
        return message
    }

    /// `{"oslo.version": "2.0", "oslo.message": "<message>"}`.
    private static func envelope(_ message: [UInt8]) -> [UInt8] {
        var body: [UInt8] = []
        body.reserveCapacity(message.count + message.count / 6 + 48)
        body.append(contentsOf: #"{"oslo.version": "2.0", "oslo.message": "#.utf8)
        PythonJSON.appendASCIIString(message, into: &body)
        body.append(UInt8(ascii: "}"))
        return body
    }

    /// The message id and the inner message as compact JSON. `segments` holds the `_context_*`
    /// members of the last context seen, reused while the next record's context is equal.
    private func inner(_ record: OutboxRecord, _ segments: inout ContextSegments?) -> (
        messageID: String, compact: [UInt8]
    ) {
        let event = record.event
        if segments?.context != event.context { segments = ContextSegments(event.context) }
        let messageID = messageID(sequence: record.sequence)
        let uniqueID = DeterministicUUID.hex(
            DeterministicUUID.make(namespace: namespace, purpose: "_unique_id", sequence: record.sequence))
        let timestamp = NeutronTimestamp.formatOslo(event.occurredAt)

        var writer = JSONWriter(capacity: 1024 + event.payload.count)
        writer.beginObject()
        writer.knownKey("message_id"); writer.string(messageID)
        writer.knownKey("publisher_id"); writer.string(publisherID)
        writer.knownKey("event_type"); writer.string(event.eventType)
        writer.knownKey("priority"); writer.string("INFO")
        writer.knownKey("payload"); writer.raw(event.payload.isEmpty ? Array("{}".utf8) : event.payload)
        writer.knownKey("timestamp"); writer.string(timestamp)
        writer.knownKey("_unique_id"); writer.string(uniqueID)
        writer.raw(segments!.head)
        writer.knownKey("_context_timestamp"); writer.string(timestamp)
        writer.raw(segments!.tail)
        writer.endObject()
        return (messageID, writer.bytes)
    }

    /// A context's `_context_*` members in Neutron's order, before and after `_context_timestamp`
    /// (the record's own time), each written as a run of members without the enclosing braces.
    struct ContextSegments {
        let context: NotificationContext
        let head: [UInt8]
        let tail: [UInt8]

        init(_ context: NotificationContext) {
            self.context = context
            let hasGlobalAccess = context.isAdmin || context.roles.contains("service")
            var writer = JSONWriter(capacity: 768)
            writer.knownKey("_context_user"); writer.optionalString(context.userID)
            writer.knownKey("_context_project_id"); writer.optionalString(context.projectID)
            writer.knownKey("_context_system_scope"); writer.null()
            writer.knownKey("_context_project"); writer.optionalString(context.projectID)
            writer.knownKey("_context_domain"); writer.null()
            writer.knownKey("_context_user_domain"); writer.null()
            writer.knownKey("_context_project_domain"); writer.null()
            writer.knownKey("_context_is_admin"); writer.bool(context.isAdmin)
            writer.knownKey("_context_read_only"); writer.bool(false)
            writer.knownKey("_context_show_deleted"); writer.bool(false)
            writer.knownKey("_context_auth_token"); writer.null()
            writer.knownKey("_context_request_id"); writer.string(context.requestID)
            writer.knownKey("_context_global_request_id"); writer.null()
            writer.knownKey("_context_resource_uuid"); writer.null()
            writer.knownKey("_context_roles"); writer.strings(context.roles)
            writer.knownKey("_context_user_identity"); writer.string(OsloNotificationFormatter.userIdentity(context))
            writer.knownKey("_context_is_admin_project"); writer.bool(true)
            writer.knownKey("_context_user_id"); writer.optionalString(context.userID)
            head = writer.bytes
            writer = JSONWriter(capacity: 256)
            writer.knownKey("_context_project_name"); writer.optionalString(context.projectName)
            writer.knownKey("_context_user_name"); writer.optionalString(context.userName)
            writer.knownKey("_context_has_global_access"); writer.bool(hasGlobalAccess)
            writer.knownKey("_context_can_set_project_id"); writer.bool(hasGlobalAccess)
            tail = writer.bytes
        }
    }

    /// oslo.context's `user_identity`: `"user project domain user_domain project_domain"`, `-` for blanks.
    static func userIdentity(_ context: NotificationContext) -> String {
        [context.userID, context.projectID, nil, nil, nil].map { $0 ?? "-" }.joined(separator: " ")
    }
}
