import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import PortwatchCore

/// Delivers one subscriber's notifications: POSTs each matching record (the oslo notification
/// message, see ``OsloNotification/message``), retrying with exponential backoff, and files it under
/// the subscriber's dead letters when every attempt failed, so that later records are not held up
/// for ever. Records go one at a time, in sequence order.
struct WebhookSink: NotificationSink {
    let subscription: WebhookSubscription
    let registry: WebhookRegistry
    let formatter: LazyFormatter
    let policy: WebhookDeliveryPolicy
    let destinations: WebhookDestinationPolicy
    let httpClient: HTTPClient
    let logger: Logger

    var name: String { subscription.sinkName }

    func deliver(_ records: [OutboxRecord]) async throws {
        let matching = records.filter { subscription.matches($0.event) }
        guard !matching.isEmpty else { return }
        let formatter = try await formatter.get()
        for var record in matching {
            if !subscription.privileged { record.event = record.event.unprivileged() }
            try await deliver(formatter.format(record))
        }
    }

    private func deliver(_ notification: OsloNotification) async throws {
        let maxAttempts = subscription.maxAttempts ?? policy.maxAttempts
        var lastError = ""
        var attempts = 0
        attempting: for attempt in 1...maxAttempts {
            attempts = attempt
            do {
                let destination = try await destinations.destination(for: subscription.url)
                let status = try await post(notification, to: destination)
                if (200..<300).contains(status) { return }
                // Redirects are not followed: a 3xx is a failed attempt like any other status.
                lastError = "HTTP \(status)"
            } catch is CancellationError {
                throw CancellationError()
            } catch let refusal as WebhookDestinationPolicy.Refusal {
                // Refused before any connection; retrying would not change the policy.
                lastError = "destination refused: \(refusal)"
                break attempting
            } catch {
                try Task.checkCancellation()
                lastError = "\(error)"
            }
            logger.debug(
                "webhook delivery failed",
                metadata: ["sequence": "\(notification.sequence)", "attempt": "\(attempt)", "error": "\(lastError)"])
            if attempt < maxAttempts {
                try await Task.sleep(for: policy.backoff.delay(afterAttempt: attempt))
            }
        }
        logger.warning(
            "webhook notification dead-lettered",
            metadata: ["sequence": "\(notification.sequence)", "attempts": "\(attempts)", "error": "\(lastError)"])
        try await registry.record(
            WebhookDeadLetter(
                webhookID: subscription.id, sequence: notification.sequence, eventType: notification.eventType,
                messageID: notification.messageID, attempts: attempts, lastError: lastError, failedAt: Date(),
                notification: notification.message))
    }

    /// POSTs once; returns the HTTP status.
    private func post(
        _ notification: OsloNotification, to destination: WebhookDestinationPolicy.Destination
    ) async throws -> Int {
        var request = HTTPClientRequest(url: destination.url)
        request.method = .POST
        if let host = destination.hostHeader { request.headers.replaceOrAdd(name: "Host", value: host) }
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "portwatch-webhook")
        request.headers.add(name: "X-Portwatch-Event", value: notification.eventType)
        request.headers.add(name: "X-Portwatch-Delivery", value: notification.messageID)
        request.headers.add(name: "X-Portwatch-Sequence", value: String(notification.sequence))
        request.headers.add(name: "X-Portwatch-Webhook", value: subscription.id)
        if let secret = subscription.secret {
            request.headers.add(
                name: WebhookSignature.headerName,
                value: WebhookSignature.value(body: notification.message, secret: secret))
        }
        request.body = .bytes(ByteBuffer(bytes: notification.message))
        let timeout = TimeAmount.nanoseconds(
            policy.requestTimeout.components.seconds * 1_000_000_000 + policy.requestTimeout.components.attoseconds
                / 1_000_000_000)
        let response = try await httpClient.execute(request, timeout: timeout)
        _ = try? await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }
}
