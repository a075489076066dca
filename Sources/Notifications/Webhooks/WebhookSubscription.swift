import Foundation
import PortwatchCore

/// A webhook: where to POST notifications, which ones, and how to sign them.
public struct WebhookSubscription: Sendable, Hashable {
    /// UUID.
    public var id: String
    /// `http://` or `https://` URL receiving the POSTs.
    public var url: String
    /// Event-type patterns (``EventTypePattern``); a record matching any of them is delivered.
    public var eventTypes: [String]
    /// Only events of this project; nil for every project (admins only).
    public var projectID: String?
    /// The project that created the subscription (who may see and delete it).
    public var ownerProjectID: String?
    /// HMAC-SHA256 key for `X-Portwatch-Signature`; never shown by the API.
    public var secret: String?
    /// Attempts per notification before it goes to the dead letters; nil for the server default.
    public var maxAttempts: Int?
    /// Only records after this outbox sequence are delivered (those committed after creation).
    public var startSequence: Int64
    public var createdAt: Date
    /// Whether the creator may see privileged attributes (`binding:*`, `provider:*`); when not, the
    /// notifications are delivered as the creator's project would see the resources.
    public var privileged: Bool

    public init(
        id: String = RandomID.uuid(), url: String, eventTypes: [String], projectID: String?,
        ownerProjectID: String?, secret: String?, maxAttempts: Int? = nil, startSequence: Int64,
        createdAt: Date = Date(), privileged: Bool? = nil
    ) {
        self.privileged = privileged ?? (projectID == nil)
        self.id = id
        self.url = url
        self.eventTypes = eventTypes
        self.projectID = projectID
        self.ownerProjectID = ownerProjectID
        self.secret = secret
        self.maxAttempts = maxAttempts
        self.startSequence = startSequence
        self.createdAt = createdAt
    }

    /// Whether `event` is one this subscriber asked for.
    public func matches(_ event: OutboxEvent) -> Bool {
        if let projectID, event.projectID != projectID { return false }
        return eventTypes.contains { EventTypePattern($0).matches(event.eventType) }
    }

    /// The cursor name of the subscriber's delivery.
    public var sinkName: String { "webhook:" + id }
}
