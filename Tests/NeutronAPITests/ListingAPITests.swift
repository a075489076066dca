import Foundation
import HTTPTypes
import PortwatchStore
import Testing

/// Filters, fields, sorting and pagination (reference §2.4), tags (§2.6).
struct ListingAPITests {
    @Test func filtersOrRepeatedKeysAndRejectUnknownOnes() async throws {
        try await APIHarness.run { api in
            let network = try await api.network()
            let a = try await api.port(network: network, name: "a", extra: #", "device_owner": "compute:nova""#)
            let b = try await api.port(network: network, name: "b", extra: #", "binding:host_id": "h1""#)
            _ = try await api.port(network: network, name: "c", extra: #", "admin_state_up": false"#)
            var reply = try await api.call(.get, "/v2.0/ports?name=a&name=b&fields=id")
            #expect(Set(reply.ports.compactMap { $0["id"] as? String }) == [a, b])
            reply = try await api.call(.get, "/v2.0/ports?device_owner=compute%3Anova")
            #expect(reply.ports.map { $0["id"] as? String } == [a])
            reply = try await api.call(.get, "/v2.0/ports?binding%3Ahost_id=h1")
            #expect(reply.ports.map { $0["id"] as? String } == [b])
            reply = try await api.call(.get, "/v2.0/ports?admin_state_up=False&fields=name")
            #expect(reply.ports.map { $0["name"] as? String } == ["c"])
            reply = try await api.call(.get, "/v2.0/ports?status=ACTIVE&fields=name")
            #expect(reply.ports.map { $0["name"] as? String } == ["b"])
            reply = try await api.call(.get, "/v2.0/ports?device_id=&fields=name")
            #expect(reply.ports.count == 3, "empty-string filtering")
            reply = try await api.call(.get, "/v2.0/ports?data_plane_status=DOWN&fields=id&fields=data_plane_status")
            #expect(reply.status == 400)
            #expect(reply.errorMessage == "['data_plane_status'] is invalid attribute for filtering")
            reply = try await api.call(.get, "/v2.0/ports?colour=red")
            #expect(reply.errorMessage == "['colour'] is invalid attribute for filtering")
        }
    }

    @Test func sortingValidatesKeysAndDirections() async throws {
        try await APIHarness.run { api in
            let network = try await api.network()
            for name in ["test1", "abc1", "test10", "123test", "test1"] {
                _ = try await api.port(network: network, name: name)
            }
            var reply = try await api.call(.get, "/v2.0/ports?sort_key=name&sort_dir=asc&fields=name")
            #expect(
                reply.ports.compactMap { $0["name"] as? String } == ["123test", "abc1", "test1", "test1", "test10"])
            reply = try await api.call(.get, "/v2.0/ports?sort_key=name&sort_dir=desc&fields=name")
            #expect(
                reply.ports.compactMap { $0["name"] as? String } == ["test10", "test1", "test1", "abc1", "123test"])
            reply = try await api.call(.get, "/v2.0/ports?sort_key=name&sort_key=id&sort_dir=asc")
            #expect(reply.errorMessage == "The number of sort_keys and sort_dirs must be same")
            reply = try await api.call(.get, "/v2.0/ports?sort_key=data_plane_status&sort_dir=asc")
            #expect(reply.errorMessage == "['data_plane_status'] is invalid attribute for sort_keys")
            reply = try await api.call(.get, "/v2.0/ports?sort_key=name&sort_dir=up")
            #expect(reply.status == 400)
        }
    }

    @Test func paginationWalksNextAndPreviousLinks() async throws {
        try await APIHarness.run { api in
            let network = try await api.network()
            var ids: [String] = []
            for index in 0..<5 { ids.append(try await api.port(network: network, name: "p\(index)")) }
            ids.sort()
            var reply = try await api.call(.get, "/v2.0/ports?limit=-1")
            #expect(reply.errorType == "BadRequest")
            #expect(reply.errorMessage == "Bad limit request: Limit must be an integer 0 or greater and not '-1'.")
            reply = try await api.call(.get, "/v2.0/ports?limit=0&fields=id")
            #expect(reply.ports.count == 5)
            #expect(reply.json["ports_links"] == nil)
            reply = try await api.call(.get, "/v2.0/ports?limit=2&fields=id")
            var seen: [String] = []
            var pages = 0
            while true {
                pages += 1
                seen += reply.ports.compactMap { $0["id"] as? String }
                let links = reply.json["ports_links"] as? [[String: String]] ?? []
                #expect(links.contains { $0["rel"] == "previous" }, "every full page carries previous")
                guard let next = links.first(where: { $0["rel"] == "next" })?["href"] else { break }
                #expect(next.hasPrefix("http://"))
                let path = String(next[next.range(of: "/v2.0")!.lowerBound...])
                reply = try await api.call(.get, path)
                #expect(pages < 10)
            }
            #expect(seen == ids)
            #expect(pages == 3, "2 + 2 + 1: a short page has no next")
            reply = try await api.call(.get, "/v2.0/ports?limit=5&fields=id")
            let next = (reply.json["ports_links"] as? [[String: String]])?.first { $0["rel"] == "next" }?["href"] ?? ""
            reply = try await api.call(.get, String(next[next.range(of: "/v2.0")!.lowerBound...]))
            #expect(reply.ports.isEmpty)
            #expect(
                (reply.json["ports_links"] as? [[String: String]])?.map { $0["rel"] } == ["previous"],
                "the empty last page has no next")
            reply = try await api.call(.get, "/v2.0/ports?limit=2&marker=\(ids[4])&page_reverse=True&fields=id")
            #expect(reply.ports.compactMap { $0["id"] as? String } == [ids[2], ids[3]])
            reply = try await api.call(.get, "/v2.0/ports?limit=2&marker=00000000-0000-0000-0000-000000000000")
            #expect(reply.status == 404)
        }
    }

    @Test func tagsSubresourceAndFilters() async throws {
        try await APIHarness.run { api in
            let network = try await api.network()
            let a = try await api.port(network: network, name: "a")
            let b = try await api.port(network: network, name: "b")
            var reply = try await api.call(.put, "/v2.0/ports/\(a)/tags", #"{"tags": ["red", "blue"]}"#)
            #expect(reply.status == 200)
            #expect(reply.json["tags"] as? [String] == ["red", "blue"])
            reply = try await api.call(.put, "/v2.0/ports/\(b)/tags/red")
            #expect(reply.status == 201)
            reply = try await api.call(.get, "/v2.0/ports/\(b)/tags/red")
            #expect(reply.status == 204)
            reply = try await api.call(.get, "/v2.0/ports/\(b)/tags/blue")
            #expect(reply.status == 404)
            #expect(reply.errorType == "TagNotFound")
            reply = try await api.call(.get, "/v2.0/ports?tags=red,blue&fields=name")
            #expect(reply.ports.compactMap { $0["name"] as? String } == ["a"])
            reply = try await api.call(.get, "/v2.0/ports?tags-any=blue,red&fields=name&sort_key=name&sort_dir=asc")
            #expect(reply.ports.compactMap { $0["name"] as? String } == ["a", "b"])
            reply = try await api.call(.get, "/v2.0/ports?not-tags=red,blue&fields=name")
            #expect(reply.ports.compactMap { $0["name"] as? String } == ["b"])
            reply = try await api.call(.get, "/v2.0/ports?not-tags-any=red&fields=name")
            #expect(reply.ports.isEmpty)
            reply = try await api.call(.get, "/v2.0/ports/\(a)")
            #expect(reply.port["revision_number"] as? Int == 2, "a tag change bumps the revision")
            reply = try await api.call(.delete, "/v2.0/ports/\(a)/tags/red")
            #expect(reply.status == 204)
            reply = try await api.call(.delete, "/v2.0/ports/\(a)/tags")
            #expect(reply.status == 204)
            reply = try await api.call(.get, "/v2.0/ports/\(a)/tags")
            #expect(reply.json["tags"] as? [String] == [])
            let tooMany = (0..<51).map { "\"t\($0)\"" }.joined(separator: ",")
            reply = try await api.call(.put, "/v2.0/ports/\(a)/tags", #"{"tags": [\#(tooMany)]}"#)
            #expect(reply.status == 400)
            reply = try await api.call(.put, "/v2.0/ports/\(a)/tags/\(String(repeating: "x", count: 256))")
            #expect(reply.status == 400)
            reply = try await api.call(.get, "/v2.0/ports/00000000-0000-0000-0000-000000000000/tags")
            #expect(reply.status == 404)
        }
    }
}
