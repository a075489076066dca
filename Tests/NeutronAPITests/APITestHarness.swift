import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import FaultCorrelation
import Logging
import NIOCore
import NeutronAPI
import PortwatchCore
import PortwatchStore

/// A running API on a fresh SQLite file, driven in-process.
struct APIHarness {
    let client: any TestClientProtocol
    let repository: Repository
    let correlation: CorrelationService?
    let databasePath: String

    /// A decoded response.
    struct Reply {
        var status: Int
        var json: [String: Any]
        var raw: String
        var headers: HTTPFields

        subscript(key: String) -> Any? { json[key] }
        var port: [String: Any] { json["port"] as? [String: Any] ?? [:] }
        var network: [String: Any] { json["network"] as? [String: Any] ?? [:] }
        var error: [String: Any] { json["NeutronError"] as? [String: Any] ?? [:] }
        var errorType: String? { error["type"] as? String }
        var errorMessage: String? { error["message"] as? String }
        var ports: [[String: Any]] { json["ports"] as? [[String: Any]] ?? [] }
        var networks: [[String: Any]] { json["networks"] as? [[String: Any]] ?? [] }
    }

    /// Identity headers of a keystone-style caller.
    static func caller(user: String, project: String, roles: String) -> HTTPFields {
        [
            HTTPField.Name("X-User-Id")!: user, HTTPField.Name("X-Project-Id")!: project,
            HTTPField.Name("X-Roles")!: roles,
        ]
    }

    static func temporaryDatabase() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("portwatch-test-\(UUID().uuidString).sqlite").path
    }

    /// Runs `body` against a fresh API (or one over `databasePath`, to test persistence), under
    /// `policy`'s rules (the defaults unless given).
    static func run(
        statusFollowsDataPlane: Bool = false, databasePath: String = temporaryDatabase(), holdDown: Double = 0,
        flushOnExit: Bool = true, policy: ActivePolicy = ActivePolicy(),
        identities: IdentityResolver = IdentityResolver(mode: .headers), learnedLinkGrace: Double = 300,
        _ body: @escaping @Sendable (APIHarness) async throws -> Void
    ) async throws {
        let logger = Logger(label: "test")
        let repository = try await Repository(
            backend: try SQLiteStore(path: databasePath, synchronous: .normal),
            derivation: PortStatusDerivation(statusFollowsDataPlane: statusFollowsDataPlane), logger: logger)
        let correlation = try await CorrelationService(
            repository: repository, options: .init(holdDown: holdDown, learnedLinkGrace: learnedLinkGrace),
            logger: logger)
        let writer = Task { await repository.runWriter() }
        defer { writer.cancel() }
        try await correlation.reconcile()
        let router = Router(context: PortwatchRequestContext.self)
        NeutronAPI(
            repository: repository, identities: identities, policy: policy,
            correlation: correlation
        ).register(on: router)
        let app = Application(router: NeutronRouter(router), logger: logger)
        try await app.test(.router) { client in
            try await body(
                APIHarness(
                    client: client, repository: repository, correlation: correlation, databasePath: databasePath))
        }
        // A graceful stop writes what flap damping holds; a crash (`flushOnExit: false`) does not.
        if flushOnExit { await correlation.flushHeldChanges() }
        writer.cancel()
        _ = await writer.value
    }

    /// The service role (Nova, Ironic), who alone may set `binding:profile` by Neutron 29's rules.
    static let serviceHeaders = caller(user: "nova", project: "service", roles: "service")

    /// An admin, as a fronting proxy would describe one (the harness serves `--auth headers`).
    static let adminHeaders = caller(user: "admin-user", project: "fake_project_id", roles: "admin,member,reader")

    /// Sends a request; without identity headers it goes as ``adminHeaders`` unless `anonymous`.
    @discardableResult
    func call(
        _ method: HTTPRequest.Method, _ path: String, _ body: String? = nil, headers: HTTPFields = [:],
        anonymous: Bool = false
    ) async throws -> Reply {
        var headers = headers
        if !anonymous, headers[HTTPField.Name("X-User-Id")!] == nil {
            for field in Self.adminHeaders { headers[field.name] = field.value }
        }
        let response = try await client.execute(
            uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        let raw = String(buffer: response.body)
        let json = (try? JSONSerialization.jsonObject(with: Data(raw.utf8))) as? [String: Any] ?? [:]
        return Reply(status: Int(response.status.code), json: json, raw: raw, headers: response.headers)
    }

    /// Creates a network and returns its id.
    func network(_ name: String = "net", headers: HTTPFields = [:], extra: String = "") async throws -> String {
        let reply = try await call(
            .post, "/v2.0/networks", #"{"network": {"name": "\#(name)"\#(extra)}}"#, headers: headers)
        precondition(reply.status == 201, reply.raw)
        return reply.network["id"] as! String
    }

    /// Loads the small two-pod fabric fixture as the topology.
    func loadFabric() async throws {
        let url = Bundle.module.url(forResource: "fabric-small", withExtension: "json", subdirectory: "Fixtures")!
        let reply = try await call(.put, "/v2.0/topology", try String(contentsOf: url, encoding: .utf8))
        precondition(reply.status == 200, reply.raw)
    }

    /// Sends fault events: `[(kind, id, state)]` from `source`.
    @discardableResult
    func events(
        _ events: [(String, String, String)], source: String = "onos", time: String? = nil, headers: HTTPFields = [:]
    ) async throws -> Reply {
        let items = events.map { kind, id, state in
            #"{"resource_type": "\#(kind)", "resource_id": "\#(id)", "state": "\#(state)", "source": "\#(source)"\#(time.map { #", "time": "\#($0)""# } ?? "")}"#
        }
        return try await call(
            .post, "/v2.0/data-plane-events", #"{"events": [\#(items.joined(separator: ","))]}"#, headers: headers)
    }

    /// Polls `condition` until it holds or `timeout` passes (generous: a busy machine is slow, and
    /// the condition, not the time it took, is what a test asserts).
    func eventually(
        timeout: Duration = .seconds(30), _ condition: () async throws -> Bool
    ) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try await condition()
    }

    /// `data_plane_status` of a port (nil for JSON null).
    func dataPlaneStatus(_ port: String) async throws -> String? {
        try await call(.get, "/v2.0/ports/\(port)").port["data_plane_status"] as? String
    }

    /// Creates a port and returns its id.
    func port(network: String, name: String = "port", headers: HTTPFields = [:], extra: String = "") async throws
        -> String
    {
        let reply = try await call(
            .post, "/v2.0/ports", #"{"port": {"network_id": "\#(network)", "name": "\#(name)"\#(extra)}}"#,
            headers: headers)
        precondition(reply.status == 201, reply.raw)
        return reply.port["id"] as! String
    }
}
