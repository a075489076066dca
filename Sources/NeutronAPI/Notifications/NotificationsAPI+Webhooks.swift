import Foundation
import Hummingbird
import Notifications
import OsloPolicy
import PortwatchCore
import PortwatchStore

extension NotificationsAPI {
    func registerWebhooks(on router: Router<PortwatchRequestContext>) {
        router.post("/v2.0/portwatch/webhooks") { request, context in
            let body = try await RequestBody.json(request, limit: RequestBody.smallLimit)
            let subscription = try WebhookAttributes.create(
                try RequestBody.resource(body, singular: "webhook"), by: context.access,
                startSequence: hub.repository.lastOutboxSequence)
            do {
                _ = try await hub.settings.webhookDestinations.destination(for: subscription.url)
            } catch let refusal as WebhookDestinationPolicy.Refusal {
                throw NeutronError.invalidInput("the webhook url is refused: \(refusal)")
            }
            try await hub.webhooks.create(subscription, maxPerProject: hub.settings.webhookMaxPerProject)
            return JSONResponse.make(status: .created, bytes: Self.envelope(subscription))
        }
        router.get("/v2.0/portwatch/webhooks") { _, context in
            let access = context.access
            var writer = JSONWriter(capacity: 1024)
            writer.beginObject()
            writer.key("webhooks")
            writer.beginArray()
            for subscription in hub.webhooks.all where Self.isVisible(subscription, to: access) {
                subscription.render(into: &writer)
            }
            writer.endArray()
            writer.endObject()
            return JSONResponse.make(bytes: writer.bytes)
        }
        router.get("/v2.0/portwatch/webhooks/{id}") { _, context in
            let subscription = try visibleWebhook(try context.parameters.require("id"), context.access)
            return JSONResponse.make(bytes: Self.envelope(subscription))
        }
        router.delete("/v2.0/portwatch/webhooks/{id}") { _, context in
            let access = context.access
            let subscription = try visibleWebhook(try context.parameters.require("id"), access)
            try access.authorize("delete_webhook", target: Self.target(subscription))
            guard try await hub.webhooks.delete(subscription.id) else { throw Self.notFound(subscription.id) }
            return JSONResponse.noContent()
        }
        router.get("/v2.0/portwatch/webhooks/{id}/dead-letters") { _, context in
            let subscription = try visibleWebhook(try context.parameters.require("id"), context.access)
            let deadLetters = try await hub.webhooks.deadLetters(of: subscription.id)
            var writer = JSONWriter(capacity: 256 + deadLetters.count * 2048)
            writer.beginObject()
            writer.key("dead_letters")
            writer.beginArray()
            for deadLetter in deadLetters { deadLetter.render(into: &writer) }
            writer.endArray()
            writer.endObject()
            return JSONResponse.make(bytes: writer.bytes)
        }
    }

    /// The subscription if the caller may see it; 404 otherwise (existence is not disclosed).
    func visibleWebhook(_ id: String, _ access: AccessPolicy) throws(NeutronError) -> WebhookSubscription {
        guard let subscription = hub.webhooks.subscription(id), Self.isVisible(subscription, to: access) else {
            throw Self.notFound(id)
        }
        return subscription
    }

    /// `get_webhook` on a subscription within the caller's reach: admins (`is_admin`) reach every
    /// project's, others their own project's.
    static func isVisible(_ subscription: WebhookSubscription, to access: AccessPolicy) -> Bool {
        let mine = access.identity.projectID != nil && subscription.ownerProjectID == access.identity.projectID
        return (access.isAdmin || mine) && access.allows("get_webhook", target: target(subscription))
    }

    /// What the webhook rules see: the project that created the subscription owns it.
    static func target(_ subscription: WebhookSubscription) -> [String: PolicyValue] {
        guard let owner = subscription.ownerProjectID else { return [:] }
        return ["project_id": .string(owner), "tenant_id": .string(owner)]
    }

    static func notFound(_ id: String) -> NeutronError {
        NeutronError(status: 404, type: "WebhookNotFound", message: "Webhook \(id) could not be found.")
    }

    static func envelope(_ subscription: WebhookSubscription) -> [UInt8] {
        var writer = JSONWriter(capacity: 512)
        writer.beginObject()
        writer.key("webhook")
        subscription.render(into: &writer)
        writer.endObject()
        return writer.bytes
    }
}
