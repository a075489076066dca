import AsyncHTTPClient
import Crypto
import Foundation
import HTTPTypes
import PortwatchCore
import PortwatchStore
import Testing

@testable import Notifications

/// Webhook delivery against a local receiver that fails at first.
struct WebhookDeliveryTests {
    let fastPolicy = WebhookDeliveryPolicy(
        maxAttempts: 8, backoff: RetryBackoff(initial: .milliseconds(5), maximum: .milliseconds(40)),
        requestTimeout: .seconds(5))

    /// Runs webhook delivery over a fresh store for the duration of `body`.
    func withDelivery(
        policy: WebhookDeliveryPolicy? = nil, allowing: [String] = ["127.0.0.0/8"],
        _ body: @escaping @Sendable (TestStore, WebhookRegistry) async throws -> Void
    ) async throws {
        let store = try await TestStore.open()
        let registry = try await WebhookRegistry.load(repository: store.repository)
        let namespace = NotificationNamespace(repository: store.repository)
        let delivery = WebhookDelivery(
            registry: registry, signal: OutboxSignal(repository: store.repository),
            formatter: LazyFormatter(publisherHost: "test", namespace: namespace), policy: policy ?? fastPolicy,
            destinations: try WebhookDestinationPolicy(allowing: allowing), httpClient: NotificationHub.webhookClient,
            logger: testLogger)
        let running = Task { try await delivery.run() }
        do {
            try await body(store, registry)
        } catch {
            running.cancel()
            throw error
        }
        running.cancel()
        _ = try? await running.value
        await store.close()
    }

    @Test func retriesUntilAcceptedInOrderAndSigned() async throws {
        let receiver = WebhookReceiver(failFirst: 3)
        try await receiver.serve { base in
            try await withDelivery { store, registry in
                let subscription = WebhookSubscription(
                    url: base + "/ok", eventTypes: ["port.*"], projectID: "proj-a", ownerProjectID: "proj-a",
                    secret: "s3cret", startSequence: store.repository.lastOutboxSequence)
                try await registry.create(subscription)
                try await store.emit([
                    ("port.update.end", "p1", "proj-a"), ("network.update.end", "n1", "proj-a"),
                    ("port.update.end", "p2", "proj-b"), ("port.update.end", "p1", "proj-a"),
                    ("port.delete.end", "p3", "proj-a"),
                ])
                #expect(await eventually { receiver.accepted.count == 3 })
                try await Task.sleep(for: .milliseconds(100))
                let accepted = receiver.accepted
                #expect(accepted.count == 3)  // network event and other project filtered out
                #expect(accepted.map { $0.headers[.init("X-Portwatch-Sequence")!] } == ["1", "4", "5"])
                #expect(receiver.deliveries.count == 6)  // three 503s first
                for delivery in accepted {
                    let expected = WebhookSignature.value(body: delivery.body, secret: "s3cret")
                    #expect(delivery.headers[.init("X-Portwatch-Signature")!] == expected)
                    let key = SymmetricKey(data: Array("s3cret".utf8))
                    let mac = HMAC<SHA256>.authenticationCode(for: delivery.body, using: key)
                    #expect(expected == "sha256=" + mac.map { String(format: "%02x", $0) }.joined())
                    let message = try #require(
                        try JSONSerialization.jsonObject(with: Data(delivery.body)) as? [String: Any])
                    #expect(message["publisher_id"] as? String == "network.test")
                    #expect(message["message_id"] as? String == delivery.headers[.init("X-Portwatch-Delivery")!])
                    #expect((message["payload"] as? [String: Any])?["port"] != nil)
                }
                // Redelivered attempts of one record carry one message_id.
                let first = receiver.deliveries.prefix(4).map { $0.headers[.init("X-Portwatch-Delivery")!] }
                #expect(Set(first).count == 1)
            }
        }
    }

    @Test func deadLettersAfterMaxAttemptsAndMovesOn() async throws {
        let receiver = WebhookReceiver()
        try await receiver.serve { base in
            try await withDelivery { store, registry in
                let failing = WebhookSubscription(
                    url: base + "/fail", eventTypes: ["*"], projectID: nil, ownerProjectID: "admin", secret: nil,
                    maxAttempts: 3, startSequence: store.repository.lastOutboxSequence)
                let healthy = WebhookSubscription(
                    url: base + "/ok", eventTypes: ["*"], projectID: nil, ownerProjectID: "admin", secret: nil,
                    startSequence: store.repository.lastOutboxSequence)
                try await registry.create(failing)
                try await registry.create(healthy)
                try await store.emit(2)
                // The healthy subscriber is not held up by the failing one.
                #expect(await eventually { receiver.accepted.count == 2 })
                #expect(try await eventually { try await registry.deadLetters(of: failing.id).count == 2 })
                let deadLetters = try await registry.deadLetters(of: failing.id)
                #expect(deadLetters.map(\.sequence) == [1, 2])
                #expect(deadLetters.allSatisfy { $0.attempts == 3 && $0.lastError == "HTTP 500" })
                #expect(receiver.deliveries.filter { $0.path == "/fail" }.count == 6)
                #expect(try await registry.deadLetters(of: healthy.id).isEmpty)
                try await registry.delete(failing.id)
                #expect(try await registry.deadLetters(of: failing.id).isEmpty)
                #expect(registry.all.map(\.id) == [healthy.id])
            }
        }
    }

    @Test func refusedDestinationsAreDeadLetteredWithoutAConnection() async throws {
        let receiver = WebhookReceiver()
        try await receiver.serve { base in
            try await withDelivery(allowing: []) { store, registry in
                let subscription = WebhookSubscription(
                    url: base + "/ok", eventTypes: ["*"], projectID: nil, ownerProjectID: "admin", secret: nil,
                    maxAttempts: 5, startSequence: store.repository.lastOutboxSequence)
                try await registry.create(subscription)
                try await store.emit(1)
                #expect(try await eventually { try await registry.deadLetters(of: subscription.id).count == 1 })
                let deadLetter = try #require(try await registry.deadLetters(of: subscription.id).first)
                #expect(deadLetter.lastError.contains("loopback"))
                #expect(deadLetter.attempts == 1, "a refusal is not retried")
                #expect(receiver.deliveries.isEmpty, "no connection was attempted")
            }
        }
    }

    @Test func redirectsAreNotFollowed() async throws {
        let receiver = WebhookReceiver()
        try await receiver.serve { base in
            try await withDelivery { store, registry in
                let subscription = WebhookSubscription(
                    url: base + "/redirect", eventTypes: ["*"], projectID: nil, ownerProjectID: "admin", secret: nil,
                    maxAttempts: 2, startSequence: store.repository.lastOutboxSequence)
                try await registry.create(subscription)
                try await store.emit(1)
                #expect(try await eventually { try await registry.deadLetters(of: subscription.id).count == 1 })
                #expect(try await registry.deadLetters(of: subscription.id).first?.lastError == "HTTP 307")
                #expect(receiver.deliveries.allSatisfy { $0.path == "/redirect" }, "nothing reached /ok")
            }
        }
    }

    @Test func unprivilegedSubscribersGetTheProjectsView() async throws {
        let receiver = WebhookReceiver()
        try await receiver.serve { base in
            try await withDelivery { store, registry in
                let member = WebhookSubscription(
                    url: base + "/ok", eventTypes: ["*"], projectID: "proj-a", ownerProjectID: "proj-a", secret: nil,
                    startSequence: store.repository.lastOutboxSequence, privileged: false)
                try await registry.create(member)
                try await store.repository.write { changeSet in
                    changeSet.emit(
                        "port.update.end", resourceType: "port", resourceID: "p1", projectID: "proj-a",
                        payload: Array(
                            #"{"port": {"id": "p1", "binding:host_id": "compute-1", "binding:profile": {}, "name": "x"}}"#
                                .utf8),
                        by: Identity.noauth(requestID: "req-test"))
                }
                #expect(await eventually { receiver.accepted.count == 1 })
                let body = String(decoding: try #require(receiver.accepted.first).body, as: UTF8.self)
                #expect(!body.contains("binding:host_id") && !body.contains("compute-1"))
                #expect(body.contains(#""name""#))
            }
        }
    }

    @Test func destinationPolicy() async throws {
        let strict = WebhookDestinationPolicy.publicOnly
        for url in [
            "http://127.0.0.1/", "http://169.254.169.254/", "http://10.0.0.1/", "http://172.16.5.5/",
            "http://192.168.1.1/", "http://100.64.0.1/", "http://0.0.0.0/", "http://[::1]/", "http://[fe80::1]/",
            "http://[fd00::1]/", "http://[::ffff:10.0.0.1]/", "http://224.0.0.1/",
        ] {
            await #expect(throws: WebhookDestinationPolicy.Refusal.self, "\(url)") {
                _ = try await strict.destination(for: url)
            }
        }
        let destination = try await strict.destination(for: "http://93.184.216.34:8080/hook?x=1")
        #expect(destination.url == "http://93.184.216.34:8080/hook?x=1")
        let allowed = try WebhookDestinationPolicy(allowing: ["10.0.0.0/8", "hooks.internal"])
        #expect(try await allowed.destination(for: "http://10.9.8.7/").url == "http://10.9.8.7/")
        #expect(try await allowed.destination(for: "https://hooks.internal/x").url == "https://hooks.internal/x")
        await #expect(throws: WebhookDestinationPolicy.Refusal.self) {
            _ = try await allowed.destination(for: "http://11.0.0.1.nip/")
        }
        #expect(throws: WebhookDestinationPolicy.Refusal.self) {
            _ = try WebhookDestinationPolicy(allowing: ["10.0.0.0/33"])
        }
        #expect(throws: WebhookDestinationPolicy.Refusal.self) {
            _ = try WebhookDestinationPolicy(allowing: ["not a host!"])
        }
    }

    @Test func patterns() {
        #expect(EventTypePattern("port.*").matches("port.update.end"))
        #expect(!EventTypePattern("port.*").matches("network.update.end"))
        #expect(EventTypePattern("*.end").matches("network.create.end"))
        #expect(EventTypePattern("port.update.?nd").matches("port.update.end"))
        #expect(EventTypePattern("*").matches("anything"))
        #expect(!EventTypePattern("port.update").matches("port.update.end"))
    }

    @Test func subscriptionDocumentRoundTrip() throws {
        let subscription = WebhookSubscription(
            url: "http://x/y", eventTypes: ["port.*", "network.*"], projectID: nil, ownerProjectID: "p", secret: "k",
            maxAttempts: 4, startSequence: 12)
        let decoded = try #require(WebhookSubscription(document: subscription.document))
        #expect(decoded.id == subscription.id)
        #expect(decoded.eventTypes == subscription.eventTypes)
        #expect(decoded.secret == "k")
        #expect(decoded.maxAttempts == 4)
        #expect(decoded.startSequence == 12)
        #expect(decoded.projectID == nil)
    }
}
