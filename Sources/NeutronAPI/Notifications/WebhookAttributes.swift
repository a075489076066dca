import Foundation
import Notifications
import OsloPolicy
import PortwatchCore

/// Validation of `POST /v2.0/portwatch/webhooks` bodies.
enum WebhookAttributes {
    static let allowed: Set<String> = ["url", "event_types", "project_id", "tenant_id", "secret", "max_attempts"]

    /// A new subscription from `{"webhook": {...}}`'s object, checked against the caller's rights:
    /// `create_webhook` on the project it subscribes to (the caller's own unless it names another),
    /// and admins (`is_admin`) alone subscribe to every project by naming none.
    static func create(
        _ attributes: [String: JSONValue], by access: AccessPolicy, startSequence: Int64
    ) throws(NeutronError) -> WebhookSubscription {
        let identity = access.identity
        if let unknown = attributes.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw .badRequest("Unrecognized attribute(s) '\(unknown)'")
        }
        let requested: String?
        switch attributes["project_id"] ?? attributes["tenant_id"] {
        case nil, .null?: requested = nil
        case .string(let project)? where !project.isEmpty: requested = project
        default: throw .invalidInput("'project_id' must be a project id")
        }
        // Every project's events are for those who see every project's resources.
        let projectID = requested ?? (access.isAdmin ? nil : identity.projectID)
        let target: [String: PolicyValue] =
            projectID.map { ["project_id": .string($0), "tenant_id": .string($0)] } ?? [:]
        try access.authorize("create_webhook", target: target)
        guard let url = attributes["url"]?.stringValue, let parsed = URL(string: url),
            let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = parsed.host, !host.isEmpty
        else {
            throw .invalidInput("'url' must be an http:// or https:// URL")
        }
        var eventTypes = ["*"]
        if let value = attributes["event_types"] {
            if let single = value.stringValue {
                eventTypes = [single]
            } else if let list = value.arrayValue, !list.isEmpty, list.allSatisfy({ $0.stringValue?.isEmpty == false })
            {
                eventTypes = list.compactMap(\.stringValue)
            } else {
                throw .invalidInput("'event_types' must be a non-empty list of event type patterns such as 'port.*'")
            }
        }
        var secret: String?
        switch attributes["secret"] {
        case nil, .null?: secret = nil
        case .string(let value)? where !value.isEmpty: secret = value
        default: throw .invalidInput("'secret' must be a non-empty string")
        }
        var maxAttempts: Int?
        switch attributes["max_attempts"] {
        case nil, .null?: maxAttempts = nil
        case .int(let value)? where (1...100).contains(value): maxAttempts = Int(value)
        default: throw .invalidInput("'max_attempts' must be an integer from 1 to 100")
        }
        return WebhookSubscription(
            url: url, eventTypes: eventTypes, projectID: projectID, ownerProjectID: identity.projectID, secret: secret,
            maxAttempts: maxAttempts, startSequence: startSequence,
            privileged: access.seesEveryPolicedAttribute)
    }
}
