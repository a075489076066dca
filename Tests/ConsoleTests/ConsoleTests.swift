import Console
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NeutronAPI
import PortwatchCore
import PortwatchStore
import Testing

/// The console's routes in-process: the page and assets with their headers, the session endpoint as
/// the rules decide it, and the login that exists in keystone mode only.
struct ConsoleTests {
    static func run(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let logger = Logger(label: "test")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("console-\(UUID().uuidString).sqlite")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let repository = try await Repository(
            backend: try SQLiteStore(path: path, synchronous: .normal), derivation: PortStatusDerivation(),
            logger: logger)
        let router = Router(context: PortwatchRequestContext.self)
        let console = Console(authMode: .headers, keystone: nil)
        console.registerPages(on: router)
        NeutronAPI(repository: repository, identities: IdentityResolver(mode: .headers)).register(on: router)
        console.registerSession(on: router)
        try await Application(router: NeutronRouter(router), logger: logger).test(.router) { try await body($0) }
    }

    static let member: HTTPFields = [
        HTTPField.Name("X-User-Id")!: "alice", HTTPField.Name("X-Project-Id")!: "proj-a",
        HTTPField.Name("X-Roles")!: "member,reader",
    ]
    static let admin: HTTPFields = [
        HTTPField.Name("X-User-Id")!: "root", HTTPField.Name("X-Project-Id")!: "admin",
        HTTPField.Name("X-Roles")!: "admin",
    ]

    @Test func thePageAndItsAssetsNeedNoIdentityAndStayOnTheirOrigin() async throws {
        try await Self.run { client in
            for (path, type, marker) in [
                ("/ui", "text/html", "<script src=\"/ui/console.js\" defer></script>"),
                ("/ui", "text/html", "id=\"login-form\""),
                ("/ui/console.js", "text/javascript", "/v2.0/portwatch/stream"),
                ("/ui/console.css", "text/css", "--down:"),
            ] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .ok, "\(path)")
                #expect(response.headers[.contentType]?.hasPrefix(type) == true, "\(path)")
                #expect(String(buffer: response.body).contains(marker), "\(path)")
                let policy = response.headers[HTTPField.Name("Content-Security-Policy")!] ?? ""
                #expect(policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'"), "\(path)")
                #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            }
            let script = String(buffer: try await client.execute(uri: "/ui/console.js", method: .get).body)
            #expect(!script.contains("https://"), "no third-party origin")
            #expect(!script.contains("innerHTML"), "text is set as text, never parsed as HTML")
        }
    }

    @Test func theSessionSaysWhatTheRulesAllow() async throws {
        try await Self.run { client in
            var response = try await client.execute(uri: "/v2.0/portwatch/session", method: .get, headers: Self.member)
            var session =
                try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any]
                ?? [:]
            #expect(session["project_id"] as? String == "proj-a")
            #expect(session["is_admin"] as? Bool == false)
            #expect(
                session["can"] as? [String: Bool] == [
                    "topology": false, "faults": false, "maintenance": false, "what_if": false, "events": false,
                ])
            response = try await client.execute(uri: "/v2.0/portwatch/session", method: .get, headers: Self.admin)
            session =
                try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any]
                ?? [:]
            #expect(
                session["can"] as? [String: Bool] == [
                    "topology": true, "faults": true, "maintenance": true, "what_if": true, "events": true,
                ])
            #expect(session["auth"] as? String == "headers")
            response = try await client.execute(uri: "/v2.0/portwatch/session", method: .get)
            #expect(response.status == .unauthorized, "no identity, no session")
        }
    }

    @Test func theLoginExistsInKeystoneModeOnly() async throws {
        try await Self.run { client in
            let response = try await client.execute(
                uri: "/ui/login", method: .post,
                body: ByteBuffer(string: #"{"username": "a", "password": "b", "project_name": "c"}"#))
            #expect(response.status == .notFound)
            let body =
                try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any]
            #expect(
                (body?["NeutronError"] as? [String: Any])?["message"] as? String
                    == "The console logs in with Keystone only when Portwatch runs with --auth keystone.")
        }
    }
}
