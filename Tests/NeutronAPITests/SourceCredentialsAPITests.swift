import Foundation
import HTTPTypes
import NeutronAPI
import PortwatchCore
import SourceCredentials
import Testing

/// Static source credentials: a machine's bearer token or basic auth admits its own event
/// source's ingestion endpoint, in every auth mode, and nothing else.
struct SourceCredentialsAPITests {
    static let amToken = "am-token-1"
    static let onosPassword = "hunter2"

    static func authenticator() throws -> SourceAuthenticator {
        SourceAuthenticator([
            SourceCredential(
                source: "alertmanager", name: "am-1",
                secret: .bearer(try SecretHash("sha256:d6269268ddee727b1bf6d9faec31e6ae96a77ef350f4d1f24a1b2cf958341d0f"))),
            SourceCredential(
                source: "onos", name: "onos-webhook",
                secret: .basic(
                    username: "onos", password: try SecretHash.make(secret: onosPassword, rounds: SecretHash.minimumRounds))),
            SourceCredential(
                source: "doctor", name: "doctor-monitor",
                secret: .bearer(try SecretHash.make(secret: "doctor-token", rounds: SecretHash.minimumRounds))),
            SourceCredential(
                source: "native", name: "agent-7",
                secret: .bearer(try SecretHash.make(secret: "agent-token", rounds: SecretHash.minimumRounds))),
        ])
    }

    static func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }
    static func basic(_ user: String, _ password: String) -> HTTPFields {
        [.authorization: "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()]
    }

    static let leafDown = EventSourcesAPITests.webhook(
        "firing", labels: #"{"alertname": "LeafDown", "switch": "leaf-a3", "severity": "critical"}"#)
    static let leafBack = EventSourcesAPITests.webhook(
        "resolved", labels: #"{"alertname": "LeafDown", "switch": "leaf-a3"}"#)

    @Test(arguments: [IdentityResolver.Mode.headers, .noauth])
    func aSourceTokenPostsItsEventsAndNothingElse(_ mode: IdentityResolver.Mode) async throws {
        let sources = try Self.authenticator()
        try await APIHarness.run(identities: IdentityResolver(mode: mode, sources: sources)) { api in
            let (network, _, single) = try await DataPlaneAPITests.ports(api)
            let alertmanager = "/v2.0/data-plane-events/alertmanager"

            // A wrong token is 401 and changes nothing.
            var reply = try await api.call(.post, alertmanager, Self.leafDown, headers: Self.bearer("am-token-2"), anonymous: true)
            #expect(reply.status == 401, "\(reply.raw)")
            #expect(reply.headers[.wwwAuthenticate] == #"Bearer realm="portwatch""#)
            #expect(reply.errorType == "HTTPUnauthorized")
            #expect(try await api.dataPlaneStatus(single) == nil)

            // The right one is accepted (no identity headers needed, whatever the mode).
            reply = try await api.call(.post, alertmanager, Self.leafDown, headers: Self.bearer(Self.amToken), anonymous: true)
            #expect(reply.status == 200, "\(reply.raw)")
            #expect(reply.json["changed_ports"] as? Int == 1)
            #expect(try await api.dataPlaneStatus(single) == "DOWN")

            // The token reads and writes nothing else: ports, networks, faults, topology, other sources.
            let elsewhere: [(HTTPRequest.Method, String, String?)] = [
                (.get, "/v2.0/ports", nil), (.get, "/v2.0/ports/\(single)", nil),
                (.put, "/v2.0/ports/\(single)", #"{"port": {"data_plane_status": "ACTIVE"}}"#),
                (.post, "/v2.0/ports", #"{"port": {"network_id": "\#(network)"}}"#),
                (.delete, "/v2.0/ports/\(single)", nil), (.get, "/v2.0/networks", nil),
                (.get, "/v2.0/data-plane-faults", nil), (.get, "/v2.0/topology", nil),
                (.put, "/v2.0/topology/maintenance", #"{"maintenance": []}"#),
            ]
            for (method, path, body) in elsewhere {
                reply = try await api.call(method, path, body, headers: Self.bearer(Self.amToken), anonymous: true)
                #expect(reply.status == 403, "\(method) \(path): \(reply.raw)")
                #expect(
                    reply.errorMessage
                        == #"The alertmanager source credential "am-1" admits only alertmanager fault events at /v2.0/data-plane-events/alertmanager."#
                )
            }
            for path in ["/v2.0/data-plane-events", "/v2.0/data-plane-events/onos", "/v2.0/data-plane-events/doctor"] {
                reply = try await api.call(.post, path, "{}", headers: Self.bearer(Self.amToken), anonymous: true)
                #expect(reply.status == 401, "\(path): \(reply.raw)")
            }
            let port = try await api.call(.get, "/v2.0/ports/\(single)")
            #expect(port.port["data_plane_status"] as? String == "DOWN", "nothing the token tried landed")
            #expect(port.port["revision_number"] as? Int == 2)

            reply = try await api.call(.post, alertmanager, Self.leafBack, headers: Self.bearer(Self.amToken), anonymous: true)
            #expect(reply.status == 200)
            #expect(try await api.dataPlaneStatus(single) == "ACTIVE")
        }
    }

    @Test func basicAuthAdmitsItsSourceAndAWrongPasswordIsRefused() async throws {
        let sources = try Self.authenticator()
        try await APIHarness.run(identities: IdentityResolver(mode: .headers, sources: sources)) { api in
            let body = #"""
                {"type": "PORT_UPDATED", "time": 1795687200000,
                 "subject": {"id": "of:00005254000a0004", "type": "SWITCH", "available": true},
                 "port": {"element": "of:00005254000a0004", "port": "5", "isEnabled": false, "type": "copper",
                          "portSpeed": 10000, "annotations": {"portName": "Ethernet5"}}}
                """#
            var reply = try await api.call(
                .post, "/v2.0/data-plane-events/onos", body, headers: Self.basic("onos", "wrong"), anonymous: true)
            #expect(reply.status == 401)
            #expect(reply.headers[.wwwAuthenticate] == #"Basic realm="portwatch""#)
            reply = try await api.call(
                .post, "/v2.0/data-plane-events/onos", body, headers: Self.basic("onos", Self.onosPassword),
                anonymous: true)
            #expect(reply.status == 200, "\(reply.raw)")
            // Without any credential, the mode decides: headers mode wants X-User-Id.
            reply = try await api.call(.post, "/v2.0/data-plane-events/onos", body, anonymous: true)
            #expect(reply.status == 401)
            // A Keystone-style caller still posts under the rules (admin here).
            reply = try await api.call(.post, "/v2.0/data-plane-events/onos", body)
            #expect(reply.status == 200)
            // Identity headers beside a source credential give it no more reach.
            var headers = Self.basic("onos", Self.onosPassword)
            for field in APIHarness.adminHeaders { headers[field.name] = field.value }
            reply = try await api.call(.get, "/v2.0/ports", headers: headers)
            #expect(reply.status == 403)
        }
    }

    @Test func doctorsCredentialCarriesItsMaintenanceAndTheNativeOneItsEvents() async throws {
        let sources = try Self.authenticator()
        try await APIHarness.run(identities: IdentityResolver(mode: .headers, sources: sources)) { api in
            let (_, _, single) = try await DataPlaneAPITests.ports(api)
            var reply = try await api.call(
                .post, "/v2.0/data-plane-events/doctor", EventSourcesAPITests.doctor("IN_MAINTENANCE", host: "compute-a3"),
                headers: Self.bearer("doctor-token"), anonymous: true)
            #expect(reply.status == 200, "\(reply.raw)")
            let windows = try await api.call(.get, "/v2.0/data-plane-faults").json["maintenance"] as? [[String: Any]]
            #expect(windows?.map { $0["resource_id"] as? String } == ["compute-a3"])

            let native = #"{"events": [{"resource_type": "switch", "resource_id": "leaf-a3", "state": "down"}]}"#
            reply = try await api.call(
                .post, "/v2.0/data-plane-events", native, headers: Self.bearer("agent-token"), anonymous: true)
            #expect(reply.status == 200, "\(reply.raw)")
            let events = reply.json["events"] as? [[String: Any]]
            #expect(events?.first?["source"] as? String == "api:source:native/agent-7")
            _ = single
        }
    }

    @Test func aReplacedFileTakesEffectAtOnce() async throws {
        let sources = try Self.authenticator()
        try await APIHarness.run(identities: IdentityResolver(mode: .noauth, sources: sources)) { api in
            let path = "/v2.0/data-plane-events/alertmanager"
            var reply = try await api.call(.post, path, Self.leafBack, headers: Self.bearer(Self.amToken), anonymous: true)
            #expect(reply.status == 200)
            sources.replace(with: sources.credentials.filter { $0.source != "alertmanager" })
            reply = try await api.call(.post, path, Self.leafBack, headers: Self.bearer(Self.amToken), anonymous: true)
            #expect(reply.status == 401)
            // noauth without a credential is still noauth.
            reply = try await api.call(.post, path, Self.leafBack, anonymous: true)
            #expect(reply.status == 200)
        }
    }

    @Test func inKeystoneModeASourceCredentialNeedsNoToken() async throws {
        let sources = try Self.authenticator()
        // Keystone mode without a validator answers 503 to every Keystone caller; source credentials
        // do not depend on Keystone at all.
        try await APIHarness.run(identities: IdentityResolver(mode: .keystone, sources: sources)) { api in
            let path = "/v2.0/data-plane-events/alertmanager"
            var reply = try await api.call(.post, path, Self.leafBack, headers: Self.bearer(Self.amToken), anonymous: true)
            #expect(reply.status == 200, "\(reply.raw)")
            reply = try await api.call(.post, path, Self.leafBack, headers: Self.bearer("nope"), anonymous: true)
            #expect(reply.status == 401)
            reply = try await api.call(.post, path, Self.leafBack, anonymous: true)
            #expect(reply.status == 503)
            reply = try await api.call(.get, "/v2.0/ports", headers: Self.bearer(Self.amToken), anonymous: true)
            #expect(reply.status == 403)
        }
    }

    @Test func endpointsAreRecognisedByPath() {
        #expect(EventSourceEndpoints.source(ofPath: "/v2.0/data-plane-events") == "native")
        #expect(EventSourceEndpoints.source(ofPath: "/v2.0/data-plane-events/") == "native")
        #expect(EventSourceEndpoints.source(ofPath: "/v2.0/data-plane-events/alertmanager") == "alertmanager")
        #expect(EventSourceEndpoints.source(ofPath: "/v2.0/data-plane-events/onos.json") == "onos")
        #expect(EventSourceEndpoints.source(ofPath: "/v2.0/data-plane-events/native") == nil)
        #expect(EventSourceEndpoints.source(ofPath: "/v2.0/data-plane-eventsx") == nil)
        #expect(EventSourceEndpoints.source(ofPath: "/v2.0/ports") == nil)
        #expect(EventSourceEndpoints.names == ["native", "doctor", "alertmanager", "onos", "opendaylight", "collectd"])
    }
}
