import Foundation
import HTTPTypes
import Testing

/// Tags as Neutron 29 answers them (tests/compat/neutron-examples/287-315): read in byte order,
/// `PUT …/tags/{tag}` is 201 with a JSON null, tags in a create per resource, the rule before
/// visibility.
struct TagsAPITests {
    static let member = APIHarness.caller(user: "u-member", project: "proj-a", roles: "member,reader")

    @Test func tagsReadInByteOrderWhateverOrderTheyCameIn() async throws {
        try await APIHarness.run { api in
            let network = try await api.network()
            let port = try await api.port(network: network)
            for tag in ["b", "a", "C", "a"] {
                let reply = try await api.call(.put, "/v2.0/ports/\(port)/tags/\(tag)")
                #expect(reply.status == 201)
                #expect(reply.raw == "null")
                #expect(reply.headers[.contentType] == "application/json")
            }
            var reply = try await api.call(.get, "/v2.0/ports/\(port)/tags")
            #expect(reply["tags"] as? [String] == ["C", "a", "b"])
            #expect(try await api.call(.get, "/v2.0/ports/\(port)").port["revision_number"] as? Int == 4)
            reply = try await api.call(.put, "/v2.0/ports/\(port)/tags", #"{"tags": ["y", "B", "a", "Z"]}"#)
            #expect(reply["tags"] as? [String] == ["y", "B", "a", "Z"], "the answer is the request's list")
            reply = try await api.call(.post, "/v2.0/ports/\(port)/tags", #"{"tags": ["m", "A"]}"#)
            #expect(reply["tags"] as? [String] == ["m", "A"])
            reply = try await api.call(.get, "/v2.0/ports?id=\(port)&fields=tags")
            #expect(reply.ports.first?["tags"] as? [String] == ["A", "B", "Z", "a", "m", "y"])
            _ = try await api.call(.put, "/v2.0/networks/\(network)/tags/q")
            _ = try await api.call(.put, "/v2.0/networks/\(network)/tags/A")
            #expect(try await api.call(.get, "/v2.0/networks/\(network)").network["tags"] as? [String] == ["A", "q"])
        }
    }

    @Test func aPortCreateTakesUniqueTagsANetworkCreateNone() async throws {
        try await APIHarness.run { api in
            let network = try await api.network()
            var reply = try await api.call(
                .post, "/v2.0/ports", #"{"port": {"network_id": "\#(network)", "tags": ["zeta", "B"]}}"#)
            #expect(reply.port["tags"] as? [String] == ["B", "zeta"])
            for (tags, reason) in [
                (#"["zeta", "alpha", "zeta", "alpha", "zeta"]"#, "Duplicate items in the list: 'zeta, alpha'"),
                (#""x""#, "'x' is not a list"), ("[1]", "'1' is not a valid string"),
            ] {
                reply = try await api.call(
                    .post, "/v2.0/ports", #"{"port": {"network_id": "\#(network)", "tags": \#(tags)}}"#)
                #expect(reply.errorMessage == "Invalid input for tags. Reason: \(reason).", "\(tags)")
            }
            reply = try await api.call(.post, "/v2.0/networks", #"{"network": {"name": "n", "tags": ["a"]}}"#)
            #expect(reply.errorMessage == "Attribute 'tags' not allowed in POST")
        }
    }

    @Test func anotherProjectsResourceIsTheTagRulesRefusal() async throws {
        try await APIHarness.run { api in
            let network = try await api.network()
            let port = try await api.port(network: network)
            for (method, path, body, rule) in [
                (HTTPRequest.Method.get, "/v2.0/ports/\(port)/tags", nil, "get_port:tags"),
                (.put, "/v2.0/ports/\(port)/tags/x", nil, "update_port:tags"),
                (.post, "/v2.0/ports/\(port)/tags", #"{"tags": ["a"]}"#, "create_port:tags"),
                (.delete, "/v2.0/ports/\(port)/tags", nil, "delete_port:tags"),
                (.put, "/v2.0/networks/\(network)/tags/x", nil, "update_network:tags"),
            ] {
                let reply = try await api.call(method, path, body, headers: Self.member)
                #expect(reply.status == 403, "\(method) \(path)")
                #expect(reply.errorMessage == "rule:\(rule) is disallowed by policy")
            }
            let reply = try await api.call(
                .put, "/v2.0/ports/00000000-0000-0000-0000-000000000001/tags/x", headers: Self.member)
            #expect(reply.status == 404)
        }
    }

    @Test func tagCreationIsAdvertisedAsNeutronDescribesIt() async throws {
        try await APIHarness.run { api in
            let reply = try await api.call(.get, "/v2.0/extensions/tag-creation")
            let entry = reply["extension"] as? [String: Any]
            #expect(entry?["name"] as? String == "Tag creation extension")
            #expect(entry?["updated"] as? String == "2024-23-07T10:00:00-00:00")
        }
    }
}
