import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NeutronClient
import PortwatchCore
import Synchronization

/// A small in-process stand-in for the Neutron calls bridge mode makes (a fast extra layer; the
/// compat suite runs a real Neutron 29): paginated port lists, `PUT data_plane_status` with
/// revisions, scripted failures, and a token it accepts.
final class FakeNeutron: Sendable {
    struct State {
        var ports: [String: (value: DataPlaneStatus?, revision: Int)] = [:]
        /// Every PUT that reached a port, in order: (port, value written).
        var puts: [(String, DataPlaneStatus?)] = []
        /// Statuses answered to the next PUTs instead of writing (503, 404, ...).
        var failures: [Int] = []
        var acceptedToken: String? = nil
        var unauthorized = 0
        var listRequests = 0
    }

    let state = Mutex(State())

    init(ports: [String]) {
        state.withLock { state in
            for id in ports { state.ports[id] = (nil, 1) }
        }
    }

    var puts: [(String, DataPlaneStatus?)] { state.withLock { $0.puts } }

    func value(_ id: String) -> DataPlaneStatus? { state.withLock { $0.ports[id]?.value } }

    private func authorized(_ request: Request) -> Bool {
        state.withLock { state in
            guard let accepted = state.acceptedToken else { return true }
            if request.headers[HTTPField.Name("X-Auth-Token")!] == accepted { return true }
            state.unauthorized += 1
            return false
        }
    }

    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    func portJSON(_ id: String, _ value: DataPlaneStatus?, _ revision: Int) -> String {
        let dps = value.map { #""\#($0.rawValue)""# } ?? "null"
        return
            #"{"id": "\#(id)", "network_id": "net", "project_id": "proj", "mac_address": "fa:16:3e:00:00:01", "binding:host_id": "h1", "data_plane_status": \#(dps), "revision_number": \#(revision)}"#
    }

    /// Runs `body` with the fake listening on 127.0.0.1; passes its URL.
    func serve(_ body: @escaping @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        router.get("/v2.0/ports") { request, _ -> Response in
            guard self.authorized(request) else { return Self.json("{}", status: .unauthorized) }
            let limit = request.uri.queryParameters.get("limit", as: Int.self) ?? 1000
            let marker = request.uri.queryParameters.get("marker")
            let page: [String] = self.state.withLock { state in
                state.listRequests += 1
                let ids = state.ports.keys.sorted().filter { marker == nil || $0 > marker! }
                return ids.prefix(limit).map { self.portJSON($0, state.ports[$0]!.value, state.ports[$0]!.revision) }
            }
            let ids = page.count
            var links = "[]"
            if ids == limit, let last = try? JSONValue.parse(Array(page.last!.utf8)).objectValue?["id"]?.stringValue {
                links = #"[{"rel": "next", "href": "http://elsewhere/v2.0/ports?limit=\#(limit)&marker=\#(last)"}]"#
            }
            return Self.json(#"{"ports": [\#(page.joined(separator: ","))], "ports_links": \#(links)}"#)
        }
        router.get("/v2.0/networks") { _, _ in Self.json(#"{"networks": [{"id": "net", "name": "n"}]}"#) }
        router.get("/v2.0/agents") { _, _ in Self.json(#"{"agents": []}"#) }
        router.put("/v2.0/ports/{id}") { request, context -> Response in
            guard self.authorized(request) else { return Self.json("{}", status: .unauthorized) }
            let id = try context.parameters.require("id")
            let body = try await request.body.collect(upTo: 1 << 16)
            let json = try JSONValue.parse(Array(body.readableBytesView))
            let raw = json.objectValue?["port"]?.objectValue?["data_plane_status"]
            let value = raw?.stringValue.flatMap(DataPlaneStatus.init(rawValue:))
            let answer: Response = self.state.withLock { state in
                if !state.failures.isEmpty {
                    let status = state.failures.removeFirst()
                    return Self.json(
                        #"{"NeutronError": {"type": "X", "message": "scripted \#(status)", "detail": ""}}"#,
                        status: .init(code: status))
                }
                guard let port = state.ports[id] else {
                    return Self.json(
                        #"{"NeutronError": {"type": "PortNotFound", "message": "Port \#(id) could not be found.", "detail": ""}}"#,
                        status: .notFound)
                }
                state.puts.append((id, value))
                state.ports[id] = (value, port.revision + 1)
                return Self.json(#"{"port": \#(self.portJSON(id, value, port.revision + 1))}"#)
            }
            return answer
        }
        var logger = Logger(label: "fake-neutron")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)")
        }
    }
}

/// Hands out `t1`, then `t2`, ... each time the current token is invalidated.
final class RotatingTokens: NeutronAuthenticator {
    let endpoint: String
    private let generation = Mutex(1)

    init(endpoint: String) { self.endpoint = endpoint }

    var invalidations: Int { generation.withLock { $0 - 1 } }

    func credentials() async -> Result<(endpoint: String, token: String?), NeutronClientError> {
        .success((endpoint, "t\(generation.withLock { $0 })"))
    }

    func invalidate(token: String) {
        generation.withLock { if token == "t\($0)" { $0 += 1 } }
    }
}
