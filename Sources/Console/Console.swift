import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import KeystoneAuth
import NIOCore
import NeutronAPI
import PortwatchCore

/// The operator console: `GET /ui` and its assets (plain HTML, CSS and JavaScript compiled into the
/// binary, no CDN), the Keystone password login it offers in keystone mode (`POST /ui/login`, so the
/// browser needs no CORS to Keystone), and `GET /v2.0/portwatch/session` (who the caller is and what
/// the rules let them do, for the console to show only that).
///
/// The console reads and writes through the API with the caller's own token, so it shows exactly
/// what the API would: a member sees their project's ports only.
///
/// ```swift
/// let console = Console(authMode: .keystone, keystone: settings, httpClient: .shared)
/// console.registerPages(on: router)          // before NeutronAPI: outside /v2.0, no identity needed
/// NeutronAPI(repository: repository).register(on: router)
/// console.registerSession(on: router)        // after: the API's identity and error handling apply
/// ```
public struct Console: Sendable {
    /// The API's authentication mode (the console offers a login form in keystone mode only).
    public let authMode: IdentityResolver.Mode
    /// Keystone, whose password authentication `POST /ui/login` passes on (keystone mode).
    public let keystone: KeystoneSettings?
    let httpClient: HTTPClient

    /// Creates the console for the server's authentication mode.
    public init(authMode: IdentityResolver.Mode, keystone: KeystoneSettings?, httpClient: HTTPClient = .shared) {
        self.authMode = authMode
        self.keystone = keystone
        self.httpClient = httpClient
    }

    /// `GET /ui`, `/ui/console.js`, `/ui/console.css` and `POST /ui/login`. Register before
    /// ``NeutronAPI/register(on:)``, which answers every path outside `/v2.0` itself.
    public func registerPages(on router: Router<PortwatchRequestContext>) {
        router.get("/ui") { _, _ in Self.asset(ConsoleAssets.html, type: "text/html; charset=utf-8") }
        router.get("/ui/console.js") { _, _ in
            Self.asset(ConsoleAssets.script, type: "text/javascript; charset=utf-8")
        }
        router.get("/ui/console.css") { _, _ in Self.asset(ConsoleAssets.style, type: "text/css; charset=utf-8") }
        router.post("/ui/login") { request, _ in try await login(request) }
    }

    /// `GET /v2.0/portwatch/session`: the caller and what the console may offer them. Register after
    /// ``NeutronAPI/register(on:)``.
    public func registerSession(on router: Router<PortwatchRequestContext>) {
        let mode = authMode
        router.get("/v2.0/portwatch/session") { _, context in
            let access = context.access
            let identity = access.identity
            let session = SessionView(
                auth: mode.rawValue, user_id: identity.userID, project_id: identity.projectID,
                roles: identity.roles.sorted(), is_admin: access.isAdmin,
                can: [
                    "topology": access.allows("get_topology"), "faults": access.allows("get_data_plane_faults"),
                    "maintenance": access.allows("update_maintenance"),
                    "what_if": access.allows("create_data_plane_what_if"),
                    "events": access.allows("create_data_plane_event"),
                ])
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            headers[.cacheControl] = "no-store"
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return Response(
                status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(session))))
        }
    }

    struct SessionView: Encodable {
        var auth: String
        var user_id: String?
        var project_id: String?
        var roles: [String]
        var is_admin: Bool
        var can: [String: Bool]
    }

    /// A static asset with headers that keep it to this origin: no inline script or style, no framing.
    static func asset(_ text: String, type: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "no-cache"
        headers[HTTPField.Name("Content-Security-Policy")!] =
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
