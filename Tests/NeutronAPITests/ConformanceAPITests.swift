import Foundation
import HTTPTypes
import Testing

/// Neutron 29's answers to routing, body-shape and query mistakes, and its pagination details, as
/// recorded from the real server (tests/compat/neutron-examples/49-…, replayed there too).
struct ConformanceAPITests {
    static let methodNotAllowed =
        "The server could not comply with the request since it is either malformed or otherwise incorrect."

    @Test func knownPathsAnswerUnservedMethodsAsNeutron() async throws {
        try await APIHarness.run { api in
            let network = try await api.network()
            let port = try await api.port(network: network)
            for (method, path) in [
                (HTTPRequest.Method.patch, "/v2.0/ports"), (.patch, "/v2.0/ports/\(port)"),
                (.patch, "/v2.0/networks/\(network)"), (.post, "/v2.0"), (.delete, "/v2.0/"),
            ] {
                let reply = try await api.call(method, path, "{}")
                #expect(reply.status == 405, "\(method) \(path)")
                #expect(reply.errorType == "HTTPMethodNotAllowed")
                #expect(reply.errorMessage == Self.methodNotAllowed)
            }
            var reply = try await api.call(.put, "/v2.0/ports", #"{"port": {"name": "x"}}"#)
            #expect((reply.status, reply.errorType) == (404, "PortNotFound"))
            #expect(reply.errorMessage == "Port None could not be found.")
            reply = try await api.call(.delete, "/v2.0/networks")
            #expect((reply.status, reply.errorType) == (404, "NetworkNotFound"))
            #expect(reply.errorMessage == "Network None could not be found.")
            reply = try await api.call(.get, "/v2.0/ports/\(port)/bogus")
            #expect((reply.status, reply.errorType) == (404, "HTTPNotFound"))
        }
    }

    @Test func postOnAnItemValidatesTheCreateThenRefusesIt() async throws {
        try await APIHarness.run { api in
            let network = try await api.network()
            let port = try await api.port(network: network)
            var reply = try await api.call(.post, "/v2.0/ports/\(port)", #"{"port": {"name": "x"}}"#)
            #expect(reply.status == 400)
            #expect(reply.errorMessage == "Failed to parse request. Required attribute 'network_id' not specified")
            reply = try await api.call(.post, "/v2.0/ports/\(port)", "[]")
            #expect(reply.errorMessage == "Body contains invalid data")
            for body in [#"{"port": {"network_id": "\#(network)"}}"#, "", "{}", #"{"network": {}}"#] {
                reply = try await api.call(.post, "/v2.0/ports/\(port)", body)
                #expect(reply.status == 405, "body \(body)")
                #expect(reply.errorType == "HTTPMethodNotAllowed")
            }
            reply = try await api.call(.post, "/v2.0/networks/\(network)", #"{"network": {"name": "x"}}"#)
            #expect(reply.status == 405)
            // A valid body on an item creates nothing.
            #expect(try await api.call(.get, "/v2.0/ports?fields=id").ports.count == 1)
            #expect(try await api.call(.get, "/v2.0/networks?fields=id").networks.count == 1)
        }
    }

    @Test func versionDiscoveryListsOnlyWithTheSlash() async throws {
        try await APIHarness.run { api in
            var reply = try await api.call(.get, "/v2.0/")
            let resources = reply["resources"] as? [[String: Any]] ?? []
            #expect(resources.compactMap { $0["collection"] as? String } == ["networks", "ports"])
            reply = try await api.call(.get, "/v2.0")
            #expect((reply.status, reply.errorType) == (404, "HTTPNotFound"))
            #expect(try await api.call(.get, "/", anonymous: true).status == 200)
        }
    }

    @Test func pathsOutsideTheAPIAnswerInWebobShapeWithoutIdentity() async throws {
        try await APIHarness.run { api in
            let json: HTTPFields = [.accept: "application/json"]
            var reply = try await api.call(.get, "/v3.0/ports", headers: json, anonymous: true)
            #expect(reply.status == 404, "no identity needed, unlike /v2.0")
            #expect(reply.raw == #"{"code": 404, "title": "Not Found", "description": null}"#)
            #expect(reply.headers[HTTPField.Name("x-openstack-request-id")!] == nil)
            reply = try await api.call(.post, "/", "{}", headers: json, anonymous: true)
            #expect(reply.status == 405)
            #expect(reply.raw == #"{"code": 405, "title": "Method Not Allowed", "description": ""}"#)
            reply = try await api.call(.delete, "/", headers: [.accept: "*/*"], anonymous: true)
            #expect(reply.headers[.contentType] == "text/html; charset=UTF-8")
            #expect(reply.raw.contains("The method DELETE is not allowed for this resource. <br /><br />"))
            reply = try await api.call(.get, "/bogus", anonymous: true)
            #expect(reply.headers[.contentType] == "text/plain; charset=UTF-8")
            #expect(reply.raw == "404 Not Found\n\nThe resource could not be found.\n\n   ")
            reply = try await api.call(.get, "/v2.0/bogus", anonymous: true)
            #expect(reply.status == 401, "inside /v2.0 identity comes first")
            reply = try await api.call(.get, "//v2.0//ports")
            #expect((reply.status, reply.ports.count) == (200, 0), "empty path segments are ignored")
        }
    }

    @Test func extensionsServeOnlyGet() async throws {
        try await APIHarness.run { api in
            var reply = try await api.call(.post, "/v2.0/extensions", "{}", headers: [.accept: "application/json"])
            #expect(reply.status == 404)
            #expect(reply.json["title"] as? String == "Not Found")
            #expect(reply.json["code"] as? String == "404 Not Found")
            reply = try await api.call(.get, "/v2.0/extensions/bogus", headers: [.accept: "text/plain"])
            #expect(reply.status == 404)
            #expect(
                reply.raw
                    == "404 Not Found\n\nThe resource could not be found.\n\n Extension with alias bogus does not exist  "
            )
            for (method, path) in [
                (HTTPRequest.Method.put, "/v2.0/extensions"), (.patch, "/v2.0/extensions/binding"),
                (.put, "/v2.0/extensions/binding"),
            ] {
                reply = try await api.call(method, path, "{}")
                #expect((reply.status, reply.errorType) == (404, "HTTPNotFound"), "\(method) \(path)")
            }
        }
    }

    @Test func headIsRefusedOrAnsweredWithoutABody() async throws {
        try await APIHarness.run { api in
            let port = try await api.port(network: try await api.network())
            var reply = try await api.call(.head, "/v2.0/ports/\(port)")
            #expect(reply.status == 405)
            #expect(reply.raw.isEmpty)
            #expect(reply.headers[.contentLength] == String(try await api.call(.patch, "/v2.0/ports").raw.utf8.count))
            reply = try await api.call(.head, "/v2.0/ports/\(port)/tags")
            #expect((reply.status, reply.raw) == (200, ""))
            #expect(reply.headers[.contentLength] == String(#"{"tags":[]}"#.utf8.count))
            reply = try await api.call(.head, "/v2.0/ports/\(port)/tags/absent")
            #expect((reply.status, reply.raw) == (404, ""))
            reply = try await api.call(.head, "/v2.0/extensions")
            #expect((reply.status, reply.raw) == (404, ""))
            reply = try await api.call(.head, "/", anonymous: true)
            #expect((reply.status, reply.raw) == (405, ""))
        }
    }

    @Test func bodyShapesGetNeutronsMessages() async throws {
        try await APIHarness.run { api in
            let network = try await api.network()
            let port = try await api.port(network: network)
            let item = "/v2.0/ports/\(port)"
            let cases: [(HTTPRequest.Method, String, String, String)] = [
                (.put, item, "", "Unable to find 'port' in request body"),
                (.put, item, "[]", "Body contains invalid data"),
                (.put, item, #""port""#, "Body contains invalid data"),
                (.put, item, #"{"port": "x"}"#, "Object 'port' contains invalid data"),
                (.put, item, #"{"port": []}"#, "Object 'port' contains invalid data"),
                (.put, item, #"{"port": null}"#, "Unable to find 'port' in request body"),
                (.put, item, #"{"ports": [{"name": "x"}]}"#, "Bulk operation not supported"),
                (.put, item, #"{"port": {}, "ports": null}"#, "Bulk operation not supported"),
                (.put, "/v2.0/networks/\(network)", #"{"networks": []}"#, "Bulk operation not supported"),
                (.post, "/v2.0/ports", "", "Unable to find 'port' in request body"),
                (.post, "/v2.0/ports", #"{"port": false}"#, "Object 'port' contains invalid data"),
                (.post, "/v2.0/ports", #"{"ports": []}"#, "Resources required"),
                (.post, "/v2.0/ports", #"{"ports": 0}"#, "Resources required"),
                (.post, "/v2.0/ports", #"{"ports": 1}"#, "Body contains invalid data"),
                (.post, "/v2.0/ports", #"{"ports": "x"}"#, "Object 'port' contains invalid data"),
                (.post, "/v2.0/ports", #"{"ports": {"a": 1}}"#, "Object 'port' contains invalid data"),
                (.post, "/v2.0/ports", #"{"ports": [1, "x"]}"#, "Body contains invalid data"),
                (.post, "/v2.0/ports", #"{"ports": ["x", 1]}"#, "Object 'port' contains invalid data"),
                (
                    .post, "/v2.0/ports", #"{"ports": [{}, "x"]}"#,
                    "Failed to parse request. Required attribute 'network_id' not specified"
                ),
                (.post, "/v2.0/networks", #"{"port": {}}"#, "Unable to find 'network' in request body"),
            ]
            for (method, path, body, message) in cases {
                let reply = try await api.call(method, path, body)
                #expect(reply.status == 400, "\(method) \(body)")
                #expect(reply.errorMessage == message, "\(method) \(body)")
            }
            // A bulk key beside the single one wins on create, as in Neutron.
            let reply = try await api.call(
                .post, "/v2.0/ports",
                #"{"port": {"network_id": "\#(network)"}, "ports": [{"network_id": "\#(network)", "name": "bulk"}]}"#)
            #expect(reply.status == 201)
            #expect(reply.ports.map { $0["name"] as? String } == ["bulk"])
        }
    }

    @Test func showValidatesItsQueryAndFieldsAreNotCommaSplit() async throws {
        try await APIHarness.run { api in
            let network = try await api.network()
            let port = try await api.port(network: network, name: "p")
            var reply = try await api.call(.get, "/v2.0/ports/\(port)?fields=id,name")
            #expect(reply.raw == #"{"port":{}}"#)
            reply = try await api.call(.get, "/v2.0/ports/\(port)?fields=")
            #expect(reply.raw == #"{"port":{}}"#)
            reply = try await api.call(.get, "/v2.0/ports/\(port)?fields=id&fields=")
            #expect(reply.port.keys.sorted() == ["id"])
            reply = try await api.call(.get, "/v2.0/ports/\(port)?name=other&limit=1&fields=name")
            #expect(reply.port["name"] as? String == "p", "a show ignores filters")
            reply = try await api.call(.get, "/v2.0/ports/\(port)?foo=1&bar=2")
            #expect(reply.errorMessage == "['foo', 'bar'] is invalid attribute for filtering")
            reply = try await api.call(.get, "/v2.0/ports/\(port)?sort_key=id")
            #expect(reply.errorMessage == "The number of sort_keys and sort_dirs must be same")
            reply = try await api.call(.get, "/v2.0/ports/\(port)?admin_state_up=maybe")
            #expect(reply.errorMessage == "Invalid input for operation: 'maybe' cannot be converted to boolean.")
            reply = try await api.call(.get, "/v2.0/networks/\(network)?foo=1")
            #expect(reply.errorMessage == "['foo'] is invalid attribute for filtering")
        }
    }

    @Test func filterAndSortAttributesAreNeutrons() async throws {
        try await APIHarness.run { api in
            let network = try await api.network()
            _ = try await api.port(network: network)
            for attribute in ["binding%3Avnic_type=normal", "port_security_enabled=true", "created_at=x"] {
                let reply = try await api.call(.get, "/v2.0/ports?\(attribute)")
                #expect(reply.status == 400, "\(attribute)")
            }
            for key in ["created_at", "updated_at", "description", "revision_number", "binding%3Avnic_type"] {
                let reply = try await api.call(.get, "/v2.0/ports?sort_key=\(key)&sort_dir=asc")
                #expect(reply.errorMessage?.hasSuffix("is invalid attribute for sort_keys") == true, "\(key)")
            }
            var reply = try await api.call(.get, "/v2.0/networks?sort_key=created_at&sort_dir=asc")
            #expect(reply.errorMessage == "['created_at'] is invalid attribute for sort_keys")
            reply = try await api.call(.get, "/v2.0/networks?port_security_enabled=true")
            #expect(reply.errorMessage == "['port_security_enabled'] is invalid attribute for filtering")
            reply = try await api.call(.get, "/v2.0/ports?sort_dir=asc")
            #expect(reply.errorMessage == "The number of sort_keys and sort_dirs must be same")
            reply = try await api.call(.get, "/v2.0/ports?revision_number=x")
            #expect((reply.status, reply.ports.count) == (200, 0), "not converted: matches nothing")
            reply = try await api.call(.get, "/v2.0/networks?mtu=x")
            #expect(reply.errorMessage == "Invalid input for operation: 'x' is not an integer.")
            reply = try await api.call(.get, "/v2.0/ports?fixed_ips=x")
            #expect(reply.errorMessage == "Invalid input for operation: 'x' is not of the form <key>=[value].")
            reply = try await api.call(.get, "/v2.0/ports?foo=1&admin_state_up=maybe")
            #expect(reply.errorType == "InvalidInput", "conversions come before the attribute check")
        }
    }

    @Test func paginationFollowsNeutronsParameterRules() async throws {
        try await APIHarness.run { api in
            let network = try await api.network()
            var ids: [String: String] = [:]
            for name in ["a", "b", "c"] { ids[name] = try await api.port(network: network, name: name) }
            let base = "/v2.0/ports?network_id=\(network)&sort_key=name&sort_dir=asc&fields=name"
            func names(_ reply: APIHarness.Reply) -> [String] { reply.ports.compactMap { $0["name"] as? String } }
            // rel → the link's query string, as written
            func links(_ reply: APIHarness.Reply) -> [String: String] {
                var result: [String: String] = [:]
                for link in reply["ports_links"] as? [[String: String]] ?? [] {
                    result[link["rel"]!] = link["href"]!.split(separator: "?", maxSplits: 1).last.map(String.init)
                }
                return result
            }
            var reply = try await api.call(.get, base + "&marker=\(ids["b"]!)")
            #expect(names(reply) == ["a", "b", "c"], "a marker without a limit is ignored")
            #expect(reply["ports_links"] == nil)
            reply = try await api.call(.get, base + "&marker=00000000-0000-0000-0000-000000000000")
            #expect(reply.status == 200)
            reply = try await api.call(.get, base + "&page_reverse=True")
            #expect(names(reply) == ["c", "b", "a"], "page_reverse without a limit reverses the list")
            reply = try await api.call(.get, base + "&limit=2&page_reverse=1")
            #expect(names(reply) == ["a", "b"], "only 'true' reverses")
            reply = try await api.call(.get, base + "&limit=2&page_reverse=true")
            #expect(names(reply) == ["b", "c"])
            reply = try await api.call(.get, base + "&limit=2&limit=1&marker=")
            #expect(names(reply) == ["a"], "the last limit counts, an empty marker is none")
            let query = base.split(separator: "?")[1]
            #expect(links(reply)["next"] == "\(query)&limit=2&limit=1&marker=\(ids["a"]!)")
            // The same rules in the default order (by id), which pages without sorting.
            let sorted = ids.values.sorted()
            reply = try await api.call(.get, "/v2.0/ports?network_id=\(network)&fields=id&page_reverse=True")
            #expect(reply.ports.compactMap { $0["id"] as? String } == sorted.reversed())
            reply = try await api.call(.get, "/v2.0/ports?network_id=\(network)&fields=id&marker=\(sorted[1])")
            #expect(reply.ports.compactMap { $0["id"] as? String } == sorted)
            reply = try await api.call(
                .get, "/v2.0/ports?network_id=\(network)&fields=id&limit=1&page_reverse=True&marker=\(sorted[2])")
            #expect(reply.ports.compactMap { $0["id"] as? String } == [sorted[1]])
            reply = try await api.call(.get, "/v2.0/ports?limit=1&name=a%20b&network_id=\(network)")
            #expect(links(reply)["previous"] == "limit=1&name=a+b&network_id=\(network)&page_reverse=True")
        }
    }
}
