import Foundation
import PortwatchCore
import Testing

@testable import NeutronAPI

/// The render cache answers exactly what rendering would, whatever changed, and stays bounded.
@Suite struct RenderedPortCacheTests {
    static func port(_ index: Int) -> PortwatchCore.Port {
        var port = PortwatchCore.Port(
            id: String(format: "port-%05d", index), networkID: "net", projectID: "p1",
            macAddress: "fa:16:3e:00:00:01", createdAt: Date(timeIntervalSince1970: 1_700_000_000))
        port.name = "p\(index)"
        port.bindingHostID = "compute-1"
        return port
    }

    static func rendered(_ port: PortwatchCore.Port, _ view: ResourceView) -> [UInt8] {
        var writer = JSONWriter()
        port.render(into: &writer, view: view)
        return writer.bytes
    }

    @Test func answersWhatRenderingWouldAfterEveryKindOfChange() {
        let cache = RenderedPortCache(capacity: 4)
        var port = Self.port(1)
        let member = ResourceView(hiding: ["binding:host_id"])
        #expect(cache.bytes(of: port, view: .full) == Self.rendered(port, .full))
        // A change that bumps no revision (the renderer does not care why a value differs).
        port.name = "renamed"
        #expect(cache.bytes(of: port, view: .full) == Self.rendered(port, .full))
        port.dataPlaneStatus = .down
        #expect(cache.bytes(of: port, view: .full) == Self.rendered(port, .full))
        // The same port through another view, then back.
        #expect(cache.bytes(of: port, view: member) == Self.rendered(port, member))
        #expect(cache.bytes(of: port, view: ResourceView(fields: ["id"])) == Array(#"{"id":"port-00001"}"#.utf8))
        #expect(cache.bytes(of: port, view: .full) == Self.rendered(port, .full))
        #expect(cache.envelope(of: port, view: .full) == port.envelope(view: .full))
    }

    @Test func staysWithinItsCapacity() {
        let cache = RenderedPortCache(capacity: 8)
        for round in 0..<3 {
            for index in 0..<100 {
                var port = Self.port(index)
                port.revisionNumber = round + 1
                #expect(cache.bytes(of: port, view: .full) == Self.rendered(port, .full))
            }
        }
        #expect(cache.count == 8)
    }
}
