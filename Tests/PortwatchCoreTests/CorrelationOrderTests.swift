import Foundation
import Testing

@testable import PortwatchCore

/// The engine's changes come in port-id order, a port's changes in the order they were decided.
struct CorrelationOrderTests {
    @Test func changesAreSortedByPortKeepingEachPortsOrder() {
        let cause = AuditCause(trigger: .faultEvents, rootCause: [], faults: [])
        var random = SystemRandomNumberGenerator()
        let ids = (0..<500).map { String(format: "port-%04d", ($0 * 7919) % 500) } + ["port-0001", "port-0001"]
        let changes = ids.enumerated().map { index, id in
            PortDataPlaneChange(
                portID: id, previous: .up, current: .down, decidedAt: Date(timeIntervalSince1970: Double(index)),
                cause: cause)
        }.shuffled(using: &random)
        let sorted = CorrelationEngine.sortedByPort(changes)
        #expect(sorted.map(\.portID) == ids.sorted())
        // Ties keep the order they had.
        let ones = changes.filter { $0.portID == "port-0001" }
        #expect(sorted.filter { $0.portID == "port-0001" } == ones)
        #expect(sorted.count == changes.count)
    }
}
