import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NeutronAPI
import Notifications
import PortwatchCore
import PortwatchStore
import Testing

/// `/v2.0/portwatch/webhooks` and `/v2.0/portwatch/stream`.
struct NotificationsAPITests {
    static let memberA = APIHarness.caller(user: "u-a", project: "proj-a", roles: "member,reader")
    static let memberB = APIHarness.caller(user: "u-b", project: "proj-b", roles: "member,reader")
    static let readerA = APIHarness.caller(user: "u-r", project: "proj-a", roles: "reader")

    /// Runs `body` against the Neutron API plus the notification routes.
    static func run(
        allowing: [String] = ["127.0.0.0/8"], _ body: @escaping @Sendable (APIHarness) async throws -> Void
    ) async throws {
        let logger = Logger(label: "test")
        let path = APIHarness.temporaryDatabase()
        let repository = try await Repository(
            backend: try SQLiteStore(path: path, synchronous: .normal), logger: logger)
        let writer = Task { await repository.runWriter() }
        defer { writer.cancel() }
        let router = Router(context: PortwatchRequestContext.self)
        NeutronAPI(repository: repository, identities: IdentityResolver(mode: .headers)).register(on: router)
        let hub = try await NotificationHub.make(
            settings: NotificationSettings(
                heartbeatInterval: .milliseconds(200),
                webhookDestinations: try WebhookDestinationPolicy(allowing: allowing),
                webhookMaxPerProject: 3),
            repository: repository, logger: logger)
        NotificationsAPI(hub: hub).register(on: router)
        let app = Application(router: NeutronRouter(router), logger: logger)
        try await app.test(.router) { client in
            try await body(APIHarness(client: client, repository: repository, correlation: nil, databasePath: path))
        }
        writer.cancel()
        _ = await writer.value
    }

    @Test func createListShowDelete() async throws {
        try await Self.run { api in
            let created = try await api.call(
                .post, "/v2.0/portwatch/webhooks",
                #"{"webhook": {"url": "http://127.0.0.1:1/hook", "event_types": ["port.*"], "secret": "k"}}"#,
                headers: Self.memberA)
            #expect(created.status == 201, "\(created.raw)")
            let webhook = try #require(created["webhook"] as? [String: Any])
            let id = try #require(webhook["id"] as? String)
            #expect(webhook["project_id"] as? String == "proj-a")
            #expect(webhook["has_secret"] as? Bool == true)
            #expect(webhook["secret"] == nil)
            #expect(webhook["event_types"] as? [String] == ["port.*"])

            #expect(try await api.call(.get, "/v2.0/portwatch/webhooks/\(id)", headers: Self.memberA).status == 200)
            #expect(try await api.call(.get, "/v2.0/portwatch/webhooks/\(id)", headers: Self.readerA).status == 200)
            let hidden = try await api.call(.get, "/v2.0/portwatch/webhooks/\(id)", headers: Self.memberB)
            #expect(hidden.status == 404)
            #expect(hidden.errorType == "WebhookNotFound")
            let listB = try await api.call(.get, "/v2.0/portwatch/webhooks", headers: Self.memberB)
            #expect((listB["webhooks"] as? [Any])?.isEmpty == true)
            let listAdmin = try await api.call(.get, "/v2.0/portwatch/webhooks")
            #expect((listAdmin["webhooks"] as? [Any])?.count == 1)
            let deadLetters = try await api.call(
                .get, "/v2.0/portwatch/webhooks/\(id)/dead-letters", headers: Self.memberA)
            #expect(deadLetters.status == 200)
            #expect((deadLetters["dead_letters"] as? [Any])?.isEmpty == true)

            #expect(try await api.call(.delete, "/v2.0/portwatch/webhooks/\(id)", headers: Self.readerA).status == 403)
            #expect(try await api.call(.delete, "/v2.0/portwatch/webhooks/\(id)", headers: Self.memberB).status == 404)
            #expect(try await api.call(.delete, "/v2.0/portwatch/webhooks/\(id)", headers: Self.memberA).status == 204)
            #expect(try await api.call(.get, "/v2.0/portwatch/webhooks/\(id)", headers: Self.memberA).status == 404)
            #expect(try await api.call(.get, "/v2.0/portwatch/webhooks/\(id)/dead-letters").status == 404)
        }
    }

    @Test func tenantsSubscribeToTheirOwnProjectOnly() async throws {
        try await Self.run(allowing: ["127.0.0.0/8", "h"]) { api in
            let other = try await api.call(
                .post, "/v2.0/portwatch/webhooks", #"{"webhook": {"url": "http://h/x", "project_id": "proj-b"}}"#,
                headers: Self.memberA)
            #expect(other.status == 403)
            #expect(other.errorType == "PolicyNotAuthorized")
            let reader = try await api.call(
                .post, "/v2.0/portwatch/webhooks", #"{"webhook": {"url": "http://h/x"}}"#, headers: Self.readerA)
            #expect(reader.status == 403)
            let admin = try await api.call(.post, "/v2.0/portwatch/webhooks", #"{"webhook": {"url": "https://h/x"}}"#)
            #expect(admin.status == 201)
            #expect((admin["webhook"] as? [String: Any])?["project_id"] is NSNull)
            let adminOther = try await api.call(
                .post, "/v2.0/portwatch/webhooks", #"{"webhook": {"url": "https://h/x", "project_id": "proj-b"}}"#)
            #expect((adminOther["webhook"] as? [String: Any])?["project_id"] as? String == "proj-b")
        }
    }

    @Test func badInputIsANeutronError() async throws {
        try await Self.run(allowing: ["h"]) { api in
            for body in [
                #"{"webhook": {"url": "ftp://h/x"}}"#, #"{"webhook": {}}"#,
                #"{"webhook": {"url": "http://h", "event_types": []}}"#,
                #"{"webhook": {"url": "http://h", "colour": "red"}}"#, #"{"hook": {}}"#, "not json",
                #"{"webhook": {"url": "http://h", "max_attempts": 0}}"#,
            ] {
                let reply = try await api.call(.post, "/v2.0/portwatch/webhooks", body)
                #expect(reply.status == 400, "\(body): \(reply.raw)")
                #expect(reply.errorType != nil)
            }
            #expect(try await api.call(.get, "/v2.0/portwatch/webhooks/nope").errorType == "WebhookNotFound")
            #expect(try await api.call(.get, "/v2.0/portwatch/stream?last_event_id=x").status == 400)
        }
    }

    @Test func streamResumesFromLastEventIDWithProjectFiltering() async throws {
        try await Self.run { api in
            let networkA = try await api.network("a", headers: Self.memberA)
            let portA = try await api.port(network: networkA, name: "pa", headers: Self.memberA)
            let networkB = try await api.network("b", headers: Self.memberB)
            _ = try await api.port(network: networkB, name: "pb", headers: Self.memberB)
            _ = try await api.call(.put, "/v2.0/ports/\(portA)", #"{"port": {"data_plane_status": "DOWN"}}"#)

            // Everything from the start, as an admin: network/port create start/end of both, then the update.
            let all = try await api.call(
                .get, "/v2.0/portwatch/stream?max_events=10", headers: HTTPFields() + ["Last-Event-ID": "0"])
            #expect(all.status == 200)
            #expect(all.headers[.contentType] == "text/event-stream")
            let events = Self.parse(all.raw)
            #expect(events.map(\.id) == (1...10).map(String.init))
            #expect(events.first?.event == "network.create.start")
            #expect(events.last?.event == "port.update.end")
            let payload = try #require(
                try JSONSerialization.jsonObject(with: Data(events.last!.data.utf8)) as? [String: Any])
            #expect((payload["port"] as? [String: Any])?["data_plane_status"] as? String == "DOWN")

            // Resume after 4, as project B's member: only B's events.
            let resumed = try await api.call(
                .get, "/v2.0/portwatch/stream?max_events=4", headers: Self.memberB + ["Last-Event-ID": "4"])
            let onlyB = Self.parse(resumed.raw)
            #expect(onlyB.map(\.id) == ["5", "6", "7", "8"])
            let query = try await api.call(
                .get, "/v2.0/portwatch/stream?max_events=1&last_event_id=8&event_types=*.end", headers: Self.memberA)
            #expect(Self.parse(query.raw).map(\.id) == ["10"])
        }
    }

    @Test func streamDeliversLiveChanges() async throws {
        try await Self.run { api in
            let network = try await api.network("a", headers: Self.memberA)
            let port = try await api.port(network: network, name: "pa", headers: Self.memberA)
            let start = api.repository.lastOutboxSequence
            let waiting = Task {
                try await api.call(
                    .get, "/v2.0/portwatch/stream?max_events=1&event_types=port.update.end&last_event_id=\(start)",
                    headers: Self.memberA
                ).raw
            }
            _ = try await api.call(.put, "/v2.0/ports/\(port)", #"{"port": {"data_plane_status": "DOWN"}}"#)
            let raw = try await waiting.value
            #expect(Self.parse(raw).map(\.event) == ["port.update.end"])
        }
    }

    @Test func tenantsSeeTheirProjectsViewInTheStreamAndAdminsTheFullOne() async throws {
        try await Self.run { api in
            let network = try await api.network("a", headers: Self.memberA)
            // An admin binds a port of project A (members may not set binding:host_id).
            _ = try await api.port(
                network: network, name: "pa", extra: #", "project_id": "proj-a", "binding:host_id": "compute-1""#)
            let member = try await api.call(
                .get, "/v2.0/portwatch/stream?max_events=4&last_event_id=0", headers: Self.memberA)
            let admin = try await api.call(.get, "/v2.0/portwatch/stream?max_events=4&last_event_id=0")
            let created = { (raw: String) in Self.parse(raw).first { $0.event == "port.create.end" }?.data ?? "" }
            #expect(!created(member.raw).isEmpty)
            #expect(!created(member.raw).contains("binding:host_id"), "a member's GET does not show it")
            #expect(!created(member.raw).contains("binding:profile"))
            #expect(created(admin.raw).contains("binding:host_id"))
            #expect(created(admin.raw).contains("compute-1"))
        }
    }

    @Test func webhookDestinationsArePublicUnlessAllowed() async throws {
        try await Self.run(allowing: []) { api in
            for url in [
                "http://127.0.0.1:9/x", "http://localhost:9/x", "http://169.254.169.254/latest/meta-data",
                "http://10.1.2.3/", "http://[::1]:9/", "http://192.168.0.1/", "http://[::ffff:127.0.0.1]/",
            ] {
                let reply = try await api.call(
                    .post, "/v2.0/portwatch/webhooks", #"{"webhook": {"url": "\#(url)"}}"#)
                #expect(reply.status == 400, "\(url): \(reply.raw)")
                #expect(reply.errorMessage?.contains("refused") == true, "\(url): \(reply.raw)")
            }
            let listed = try await api.call(.get, "/v2.0/portwatch/webhooks").json["webhooks"] as? [Any]
            #expect(listed?.isEmpty == true)
        }
    }

    @Test func aProjectHasAtMostTheCappedNumberOfWebhooks() async throws {
        try await Self.run { api in
            for index in 0..<3 {
                let reply = try await api.call(
                    .post, "/v2.0/portwatch/webhooks", #"{"webhook": {"url": "http://127.0.0.1:9/\#(index)"}}"#,
                    headers: Self.memberA)
                #expect(reply.status == 201, "\(reply.raw)")
            }
            let refused = try await api.call(
                .post, "/v2.0/portwatch/webhooks", #"{"webhook": {"url": "http://127.0.0.1:9/4"}}"#,
                headers: Self.memberA)
            #expect(refused.status == 409)
            #expect(refused.errorType == "OverQuota")
            let otherProject = try await api.call(
                .post, "/v2.0/portwatch/webhooks", #"{"webhook": {"url": "http://127.0.0.1:9/b"}}"#,
                headers: Self.memberB)
            #expect(otherProject.status == 201)
        }
    }

    struct Event {
        var id = ""
        var event = ""
        var data = ""
    }

    /// Parses a `text/event-stream` body.
    static func parse(_ text: String) -> [Event] {
        text.components(separatedBy: "\n\n").compactMap { block -> Event? in
            var event = Event()
            var seen = false
            for line in block.split(separator: "\n") where !line.hasPrefix(":") {
                let parts = line.split(separator: ":", maxSplits: 1)
                guard parts.count == 2 else { continue }
                let value = String(parts[1].dropFirst(parts[1].hasPrefix(" ") ? 1 : 0))
                seen = true
                switch parts[0] {
                case "id": event.id = value
                case "event": event.event = value
                case "data": event.data += value
                default: break
                }
            }
            return seen ? event : nil
        }
    }
}

extension HTTPFields {
    fileprivate static func + (lhs: HTTPFields, rhs: [String: String]) -> HTTPFields {
        var fields = lhs
        for (name, value) in rhs { fields[HTTPField.Name(name)!] = value }
        return fields
    }
}
