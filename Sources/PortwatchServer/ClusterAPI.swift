import Cluster
import Foundation
import HTTPTypes
import Hummingbird
import NeutronAPI
import PortwatchCore
import PortwatchStore

/// A replica's HTTP surface for operators and load balancers: `GET /healthz` (alive), `GET /readyz`
/// (serving: the database was read recently, so this replica is caught up within that bound; 503 and
/// `"stale": true` otherwise) and the admin API `GET /v2.0/portwatch/cluster` (replicas, the writer,
/// each replica's lag in commits). In bridge mode, the writer (the one replica that talks to
/// Neutron) is ready only when bridge mode is too, and adds its fields (`neutron`, `broker`).
struct ClusterAPI {
    let member: ClusterMember
    let bridge: Bridge?

    /// Routes that need no identity; register before ``NeutronAPI`` claims every other path.
    func registerUnauthenticated(on router: Router<PortwatchRequestContext>) {
        router.get("/healthz") { _, _ in
            BridgeAPI.json(.object(["alive": .bool(true), "role": .string(member.role.rawValue)]))
        }
        router.get("/readyz") { _, _ in
            var ready = member.isReady
            var object: [String: JSONValue] = [:]
            if let bridge, member.role == .writer {
                let (bridgeReady, fields) = BridgeAPI(bridge: bridge).readiness
                object = fields
                ready = ready && bridgeReady
            }
            object.merge([
                "ready": .bool(ready), "stale": .bool(!member.isReady), "role": .string(member.role.rawValue),
                "applied": .int(member.appliedSequence),
                "writer": member.writerName.map(JSONValue.string) ?? .null,
            ]) { _, cluster in cluster }
            object["since_database_contact"] =
                member.sinceLastContact.map {
                    .double(Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18)
                }
                ?? .null
            return BridgeAPI.json(.object(object), status: ready ? .ok : .serviceUnavailable)
        }
    }

    /// The admin API; register after ``NeutronAPI`` (its middleware resolves the caller).
    func registerAdmin(on router: Router<PortwatchRequestContext>) {
        router.get("/v2.0/portwatch/cluster") { _, context in
            try BridgeAPI.requireAdmin(context, "get_cluster")
            let status: PostgresStore.ClusterStatus
            do {
                status = try await member.store.clusterStatus()
            } catch {
                throw NeutronError(
                    status: 503, type: "ServiceUnavailable", message: "The database is unreachable; try again shortly.")
            }
            let replicas = status.replicas.map { replica -> JSONValue in
                .object([
                    "name": .string(replica.name), "url": .string(replica.url),
                    "writer": .bool(replica.name == status.writer),
                    "heartbeat_age": .double(replica.heartbeatAge), "applied": .int(replica.applied),
                    "lag": .int(max(0, status.newestChange - replica.applied)),
                ])
            }
            return BridgeAPI.json(
                .object([
                    "cluster": .object([
                        "epoch": .int(status.epoch), "writer": status.writer.map(JSONValue.string) ?? .null,
                        "newest_change": .int(status.newestChange),
                        "this_replica": .string(member.settings.replicaName),
                        "replicas": .array(replicas),
                    ])
                ]))
        }
    }
}
