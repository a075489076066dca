import Foundation

/// A notification to publish, written in the same transaction as the change it reports.
///
/// The payload is exactly what Neutron would publish for the event (for `port.update.end`, the full port
/// as the caller sees it). Delivery to sinks reads these records in `sequence` order.
public struct OutboxEvent: Sendable, Hashable, Codable {
    /// `port.update.end`, `network.create.start`, ...
    public var eventType: String
    /// `port` or `network`.
    public var resourceType: String
    public var resourceID: String
    /// The project owning the resource, for per-project filtering of subscribers.
    public var projectID: String?
    /// The JSON payload, UTF-8.
    public var payload: [UInt8]
    /// Who caused the change.
    public var context: NotificationContext
    public var occurredAt: Date

    public init(
        eventType: String, resourceType: String, resourceID: String, projectID: String?, payload: [UInt8],
        context: NotificationContext, occurredAt: Date
    ) {
        self.eventType = eventType
        self.resourceType = resourceType
        self.resourceID = resourceID
        self.projectID = projectID
        self.payload = payload
        self.context = context
        self.occurredAt = occurredAt
    }
}

/// The request context carried into oslo.messaging's `_context_*` keys.
public struct NotificationContext: Sendable, Hashable, Codable {
    /// The values, in one shared box: a storm's tens of thousands of events share one context, and an
    /// event (copied into the batch, the store commit and the sinks) carries one reference instead of
    /// seven values (~96 bytes and six reference counts).
    private struct Fields: Sendable, Hashable, Codable {
        var userID: String?
        var projectID: String?
        var roles: [String]
        var requestID: String
        var isAdmin: Bool
        var userName: String?
        var projectName: String?
    }

    private final class Box: Sendable {
        let fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private var box: Box

    private var fields: Fields {
        get { box.fields }
        set { box = Box(newValue) }
    }

    public var userID: String? {
        get { box.fields.userID }
        set { fields.userID = newValue }
    }
    public var projectID: String? {
        get { box.fields.projectID }
        set { fields.projectID = newValue }
    }
    public var roles: [String] {
        get { box.fields.roles }
        set { fields.roles = newValue }
    }
    public var requestID: String {
        get { box.fields.requestID }
        set { fields.requestID = newValue }
    }
    public var isAdmin: Bool {
        get { box.fields.isAdmin }
        set { fields.isAdmin = newValue }
    }
    public var userName: String? {
        get { box.fields.userName }
        set { fields.userName = newValue }
    }
    public var projectName: String? {
        get { box.fields.projectName }
        set { fields.projectName = newValue }
    }

    public init(_ identity: Identity) {
        box = Box(
            Fields(
                userID: identity.userID, projectID: identity.projectID, roles: identity.roleList,
                requestID: identity.requestID, isAdmin: identity.contextIsAdmin ?? identity.isAdmin,
                userName: identity.userName, projectName: identity.projectName))
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.box === rhs.box || lhs.box.fields == rhs.box.fields
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(box.fields)
    }

    /// The same keys as the values' own (`userID`, `projectID`, ...), absent optionals left out.
    public init(from decoder: any Decoder) throws {
        box = Box(try Fields(from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try box.fields.encode(to: encoder)
    }

    /// The context as the stores keep it: JSON that `JSONDecoder` reads back into the same value (an
    /// absent optional is left out, as `JSONEncoder` leaves it), written without `JSONEncoder`, which
    /// took a few percent of a durable PUT's CPU (a batch of updates has one context per request).
    public func storageJSON() -> [UInt8] {
        var writer = JSONWriter(capacity: 192)
        func member(_ key: StaticString, _ value: String?) {
            guard let value else { return }
            writer.knownKey(key)
            writer.string(value)
        }
        writer.beginObject()
        member("userID", userID)
        member("projectID", projectID)
        writer.knownKey("roles")
        writer.strings(roles)
        member("requestID", requestID)
        writer.knownKey("isAdmin")
        writer.bool(isAdmin)
        member("userName", userName)
        member("projectName", projectName)
        writer.endObject()
        return writer.bytes
    }
}

/// Encodes the contexts of a commit's outbox records for the store, each run of records that share
/// one context (a storm's, a request's events) once.
public struct StoredContexts {
    private var last: (context: NotificationContext, json: [UInt8])?

    public init() {}

    public mutating func json(for context: NotificationContext) -> [UInt8] {
        if let last, last.context == context { return last.json }
        let json = context.storageJSON()
        last = (context, json)
        return json
    }
}

/// An outbox event with its position in the gap-free, ordered log.
public struct OutboxRecord: Sendable, Hashable {
    /// 1, 2, 3, ... in commit order.
    public var sequence: Int64
    public var event: OutboxEvent

    public init(sequence: Int64, event: OutboxEvent) {
        self.sequence = sequence
        self.event = event
    }
}
