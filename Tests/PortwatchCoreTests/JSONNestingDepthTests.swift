import Testing

@testable import PortwatchCore

/// ``JSONValue/exceedsNestingDepth(_:limit:)`` reads contiguous bytes (a request body) as memory and
/// any other collection element by element: both must count the same brackets, skipping strings.
struct JSONNestingDepthTests {
    @Test func contiguousAndOtherCollectionsAgree() {
        var random = SystemRandomNumberGenerator()
        let alphabet = Array(#"[]{}"\ a,:"#.utf8)
        for _ in 0..<5_000 {
            let bytes = (0..<Int.random(in: 0...40, using: &random)).map { _ in
                alphabet.randomElement(using: &random)!
            }
            let limit = Int.random(in: 0...6, using: &random)
            let contiguous = JSONValue.exceedsNestingDepth(bytes, limit: limit)
            // A lazy collection has no contiguous storage: the element-by-element scan.
            let elementwise = JSONValue.exceedsNestingDepth(bytes.lazy.map { $0 }, limit: limit)
            #expect(contiguous == elementwise, "\(String(decoding: bytes, as: UTF8.self)) limit \(limit)")
        }
    }

    @Test func bracketsInsideStringsDoNotCount() throws {
        #expect(JSONValue.exceedsNestingDepth(Array("[[[".utf8), limit: 2))
        #expect(!JSONValue.exceedsNestingDepth(Array(#"["[[[\"[["]"#.utf8), limit: 1))
        #expect(JSONValue.exceedsNestingDepth(Array(#"[{"a": [[]]}]"#.utf8), limit: 3))
        #expect(!JSONValue.exceedsNestingDepth(Array(#"[{"a": [[]]}]"#.utf8), limit: 4))
        let deep =
            String(repeating: "[", count: JSONValue.maxNestingDepth + 1)
            + String(repeating: "]", count: JSONValue.maxNestingDepth + 1)
        #expect(throws: (any Error).self) { try JSONValue.parse(Array(deep.utf8)) }
    }
}
