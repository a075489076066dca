import Foundation
import Notifications
import PortwatchCore

/// Validation of `POST /v2.0/portwatch/webhooks` bodies.
enum WebhookAttributes {
    static let allowed: Set<String> = ["url", "event_types", "project_id", "tenant_id", "secret", "max_attempts"]

    /// A new subscription from `{"webhook": {...}}`'s object, checked against the caller's rights:
    /// members subscribe to their own project only, admins to any project or (no `project_id`) to all.
    static func create(
        _ attributes: [String: JSONValue], by identity: Identity, startSequence: Int64
    ) throws(NeutronError) -> WebhookSubscription {
        if let unknown = attributes.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw .badRequest("Unrecognized attribute(s) '\(unknown)'")
        }
        guard identity.isAdmin || identity.isMember else { throw .policyNotAuthorized(["create_webhook"]) }
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
        let requested: String?
        switch attributes["project_id"] ?? attributes["tenant_id"] {
        case nil, .null?: requested = nil
        case .string(let project)? where !project.isEmpty: requested = project
        default: throw .invalidInput("'project_id' must be a project id")
        }
        let projectID: String?
        if identity.isAdmin {
            projectID = requested
        } else {
            guard requested == nil || requested == identity.projectID else {
                throw NeutronError(
                    status: 403, type: "PolicyNotAuthorized",
                    message: "A webhook may only subscribe to the caller's own project.")
            }
            projectID = identity.projectID
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
            privileged: AccessPolicy.showsBindingDetails(identity))
    }
}
