import BridgeMode
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NeutronAPI
import PortwatchCore

/// Bridge mode's HTTP surface: `GET /readyz` (no token: whether Neutron and the broker are
/// reachable, 200 or 503), the admin API `GET /v2.0/bridge` (status) and `GET /v2.0/bridge/backlog`
/// (ports whose value in Neutron is not the verdict), and the read-only mirror: writes to
/// `/v2.0/ports` and `/v2.0/networks` are 405 (they belong to the cloud's Neutron).
struct BridgeAPI {
    let bridge: Bridge

    /// Routes that need no identity; register before ``NeutronAPI`` claims every other path. With
    /// replicas, ``ClusterAPI`` serves `/readyz` (`withReadiness` false) and adds ``readiness`` to it.
    func registerUnauthenticated(on router: Router<PortwatchRequestContext>, withReadiness: Bool = true) {
        router.add(middleware: BridgeReadOnlyMiddleware())
        guard withReadiness else { return }
        router.get("/readyz") { _, _ in
            let (ready, object) = readiness
            return Self.json(.object(object), status: ready ? .ok : .serviceUnavailable)
        }
    }

    /// Whether Neutron answers and the broker is connected, with `/readyz`'s fields saying so.
    var readiness: (ready: Bool, fields: [String: JSONValue]) {
        let status = bridge.state.status
        var object: [String: JSONValue] = [
            "ready": .bool(status.isReady),
            "neutron": .string(status.neutronReachable ? "reachable" : "unreachable"),
        ]
        if let broker = status.brokerConnected { object["broker"] = .string(broker ? "connected" : "disconnected") }
        return (status.isReady, object)
    }

    /// The admin API; register after ``NeutronAPI`` (its middleware resolves the caller).
    func registerAdmin(on router: Router<PortwatchRequestContext>) {
        router.get("/v2.0/bridge") { _, context in
            try Self.requireAdmin(context, "get_bridge_status")
            let status = bridge.state.status
            var object: [String: JSONValue] = [
                "neutron_reachable": .bool(status.neutronReachable),
                "mirrored_ports": .int(Int64(status.mirroredPorts)),
                "writes_in_flight": .int(Int64(status.writesInFlight)),
                "backlog": .int(Int64(bridge.state.backlog().count)),
                "last_sync": status.lastSync.map { .string(NeutronTimestamp.format($0)) } ?? .null,
                "last_sync_error": status.lastSyncError.map(JSONValue.string) ?? .null,
                "notification_lag": status.lastNotificationLag.map(JSONValue.double) ?? .null,
            ]
            object["broker_connected"] = status.brokerConnected.map(JSONValue.bool) ?? .null
            object["agents"] = .object(
                bridge.sync.agentMappings.mapValues { host in
                    .object([
                        "physnet_interfaces": .object(host.physnetInterfaces.mapValues(JSONValue.string)),
                        "tunneling_ip": host.tunnelingIP.map(JSONValue.string) ?? .null,
                    ])
                })
            return Self.json(.object(["bridge": .object(object)]))
        }
        router.get("/v2.0/bridge/backlog") { _, context in
            try Self.requireAdmin(context, "get_bridge_backlog")
            let entries = bridge.state.backlog().map { entry -> JSONValue in
                .object([
                    "port_id": .string(entry.portID),
                    "desired": entry.desired.map { .string($0.rawValue) } ?? .null,
                    "neutron": entry.neutron.map { .string($0.rawValue) } ?? .null,
                    "neutron_revision": .int(Int64(entry.neutronRevision)), "in_flight": .bool(entry.inFlight),
                    "last_error": entry.lastError.map(JSONValue.string) ?? .null,
                ])
            }
            return Self.json(.object(["backlog": .array(entries)]))
        }
    }

    static func requireAdmin(_ context: PortwatchRequestContext, _ rule: String) throws(NeutronError) {
        guard context.access.isAdmin else { throw NeutronError.policyNotAuthorized(rule) }
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        let bytes = (try? JSONEncoder().encode(value)) ?? Data("{}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// In bridge mode ports and networks are written in the cloud's Neutron: any other method than
/// GET/HEAD on `/v2.0/ports…` and `/v2.0/networks…` is 405 with a Neutron error body, except a
/// `PUT /v2.0/ports/{id}` of `data_plane_status` alone (a manual value, or `null` to clear one:
/// Neutron 29 itself cannot take `null`), which goes on to the usual rules and policy.
struct BridgeReadOnlyMiddleware: RouterMiddleware {
    typealias Context = PortwatchRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        let mirrored = ["/v2.0/ports", "/v2.0/networks"].contains { prefix in
            path == prefix || path.hasPrefix(prefix + "/") || path.hasPrefix(prefix + ".")
        }
        // The data-plane views of a port (assessment, history) stay Portwatch's own.
        let ownView = path.hasSuffix("/data-plane") || path.hasSuffix("/data-plane-history")
        guard mirrored, !ownView, request.method != .get, request.method != .head else {
            return try await next(request, context)
        }
        let segments = path.split(separator: "/")
        if request.method == .put, segments.count == 3, segments[1] == "ports" {
            var request = request
            let body = try await request.body.collect(upTo: 64 << 10)
            if let json = try? JSONValue.parse(Array(body.readableBytesView)),
                let port = json.objectValue?["port"]?.objectValue, json.objectValue?.count == 1,
                port.count == 1, port["data_plane_status"] != nil
            {
                request.body = RequestBody(buffer: body)
                return try await next(request, context)
            }
        }
        throw NeutronError(
            status: 405, type: "HTTPMethodNotAllowed",
            message:
                "Portwatch runs in bridge mode: ports and networks are written in the cloud's Neutron, this API serves a read-only mirror (and data_plane_status)."
        )
    }
}
