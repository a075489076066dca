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
        let sorted = CorrelationEngine.portOrder(of: changes.map(\.portID)).map { changes[$0] }
        #expect(sorted.map(\.portID) == ids.sorted())
        // Ties keep the order they had.
        let ones = changes.filter { $0.portID == "port-0001" }
        #expect(sorted.filter { $0.portID == "port-0001" } == ones)
        #expect(sorted.count == changes.count)
    }

    /// Ids of every shape the fast comparison must order exactly as `String` does: UUIDs in both
    /// cases, ids sharing their first eight bytes, prefixes of each other, NUL bytes, non-ASCII ids
    /// and canonically equal spellings ("é" precomposed and decomposed are one id to `String`).
    @Test func orderIsStringsOrderForIdsOfEveryShape() {
        let cause = AuditCause(trigger: .faultEvents, rootCause: [], faults: [])
        var random = SystemRandomNumberGenerator()
        var ids = (0..<300).map { _ in UUID().uuidString.lowercased() } + (0..<50).map { _ in UUID().uuidString }
        ids += ["", "a", "ab", "ab\u{0}", "ab\u{0}c", "abcdefgh", "abcdefghi", "abcdefgh\u{0}", "abcdefgg~"]
        ids += ["port-0001", "port-0001-x", "port-0001", "caf\u{E9}", "cafe\u{301}", "cafe", "cafezzzz", "\u{1F600}"]
        ids += ["ABCDEFGH\u{E9}", "ABCDEFGH", "ABCDEFGHe\u{301}", "ABCDEFG\u{E9}", "\u{7F}", "~~~~~~~~~"]
        ids += ids.shuffled(using: &random).prefix(40)
        let changes = ids.shuffled(using: &random).enumerated().map { index, id in
            PortDataPlaneChange(
                portID: id, previous: .up, current: .down, decidedAt: Date(timeIntervalSince1970: Double(index)),
                cause: cause)
        }
        // The reference: a stable sort by `String`'s order.
        let expected = changes.indices.sorted {
            changes[$0].portID == changes[$1].portID ? $0 < $1 : changes[$0].portID < changes[$1].portID
        }.map { changes[$0] }
        let sorted = CorrelationEngine.portOrder(of: changes.map(\.portID)).map { changes[$0] }
        #expect(sorted.map(\.decidedAt) == expected.map(\.decidedAt))
        #expect(zip(sorted, expected).allSatisfy { $0.portID.utf8.elementsEqual($1.portID.utf8) })
    }
}
