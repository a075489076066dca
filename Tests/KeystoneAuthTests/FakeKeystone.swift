import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization

/// A small in-process stand-in for Keystone's two token calls (a fast extra layer; the compat suite
/// runs the real Keystone): issues tokens for one service user, validates the tokens it knows.
final class FakeKeystone: Sendable {
    struct State {
        var issued = 0
        var validations = 0
        var validTokens: [String: String] = [:]  // token -> user name
        var rejectServiceTokens: Set<String> = []
        var serviceTokens: [String] = []
    }

    let state = Mutex(State())

    func tokenBody(user: String, project: String, roles: [String], expires: Date) -> String {
        let formatter = ISO8601DateFormatter()
        let expiresAt = formatter.string(from: expires).replacingOccurrences(of: "Z", with: ".000000Z")
        let roleList = roles.map { #"{"id": "r-\#($0)", "name": "\#($0)"}"# }.joined(separator: ", ")
        return #"""
            {"token": {"methods": ["password"], "user": {"domain": {"id": "default", "name": "Default"}, "id": "u-\#(user)", "name": "\#(user)"}, "audit_ids": ["x"], "expires_at": "\#(expiresAt)", "issued_at": "2026-12-01T17:51:13.000000Z", "project": {"domain": {"id": "default", "name": "Default"}, "id": "p-\#(project)", "name": "\#(project)"}, "is_domain": false, "roles": [\#(roleList)]}}
            """#
    }

    /// Runs `body` with the fake listening on 127.0.0.1; passes its `/v3` URL.
    func serve(_ body: @escaping @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        router.post("/v3/auth/tokens") { _, _ -> Response in
            let token = self.state.withLock { state -> String in
                state.issued += 1
                let token = "service-\(state.issued)"
                state.serviceTokens.append(token)
                return token
            }
            let body = self.tokenBody(
                user: "portwatch", project: "service", roles: ["admin", "service"], expires: Date() + 3600)
            return Response(
                status: .created,
                headers: [.contentType: "application/json", HTTPField.Name("X-Subject-Token")!: token],
                body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        router.get("/v3/auth/tokens") { request, _ -> Response in
            let service = request.headers[HTTPField.Name("X-Auth-Token")!] ?? ""
            let subject = request.headers[HTTPField.Name("X-Subject-Token")!] ?? ""
            let (known, user, rejected) = self.state.withLock { state in
                state.validations += 1
                return (
                    state.serviceTokens.contains(service), state.validTokens[subject],
                    state.rejectServiceTokens.contains(service)
                )
            }
            guard known, !rejected else { return Response(status: .unauthorized) }
            guard let user else { return Response(status: .notFound) }
            let body = self.tokenBody(user: user, project: "demo", roles: ["member", "reader"], expires: Date() + 3600)
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        var logger = Logger(label: "fake-keystone")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)/v3")
        }
    }
}
