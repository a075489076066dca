import Foundation
import Testing

@testable import PortwatchCore

/// ``PlainJSONReader`` reads plain JSON without Foundation's decoder; whatever it accepts must be what
/// Foundation reads (``JSONValue/init(from:)``), and ``JSONValue/parse(_:)`` must answer as Foundation
/// does for any bytes.
struct JSONValueReadingTests {
    static let seeds: [String] = [
        #"{"port": {"data_plane_status": "DOWN"}}"#,
        #"{"port": {"network_id": "n1", "name": "p", "admin_state_up": true, "fixed_ips": [], "#
            + #""binding:profile": {"vlan": 100, "trusted": false, "x": null}}}"#,
        #"{"ports": [{"name": "a"}, {"name": "b", "tags": ["x", "y"]}]}"#,
        #"{"events": [{"resource_type": "switch", "resource_id": "leaf-1", "state": "down", "#
            + #""time": "2026-12-07T03:00:00Z"}]}"#,
        #"[{"labels": {"alertname": "SwitchDown", "instance": "leaf-1"}, "startsAt": "2026-12-07T03:00:00.000Z"}]"#,
        #"{"n": [0, -1, 17, 9223372036854775807, -9223372036854775808, 1.5, 1e3, 2E-2, -0, 9223372036854775808]}"#,
        #"{"name": "caf\u00e9", "raw": "café ✓ 🎉", "esc": "a\"b\\c\/d\n"}"#,
        #"{"a": 1, "a": 2}"#,
        "  \n\t{ \"a\" : [ 1 , 2 ] , \"b\" : { } , \"c\" : [ ] }  \r\n",
        "true", "null", "-12", "\"text\"", "[]", "{}", "", "\u{FEFF}{}", "{\"a\":1}x", "[1,]", "{\"a\":01}",
    ]

    static let interesting: [UInt8] =
        Array("{}[]\":,.-+eE0123456789 \t\n\r\\ntfu/".utf8) + [0x00, 0x1F, 0x7F, 0xC3, 0xA9, 0xFF, 0xE2, 0x9C]

    struct Xorshift: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
    }

    static func foundation(_ bytes: [UInt8]) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }

    static func plain(_ bytes: [UInt8]) -> JSONValue? {
        bytes.withUnsafeBytes(PlainJSONReader.read)
    }

    @Test func readsPlainDocumentsAndLeavesTheRestToFoundation() throws {
        let port = try #require(Self.plain(Array(Self.seeds[1].utf8)))
        #expect(port == Self.foundation(Array(Self.seeds[1].utf8)))
        #expect(port.objectValue?["port"]?.objectValue?["binding:profile"]?.objectValue?["vlan"] == .int(100))
        #expect(
            Self.plain(Array(#"[-9223372036854775808, 9223372036854775807, 0, "café"]"#.utf8))
                == .array([
                    .int(.min), .int(.max), .int(0), .string("café"),
                ]))
        // Escapes, fractions, exponents, big integers, -0, repeated keys, a BOM: Foundation's.
        for text in [
            #"{"a": "\n"}"#, "[1.5]", "[1e3]", "[9223372036854775808]", "[-0]", #"{"a": 1, "a": 2}"#, "\u{FEFF}{}",
        ] {
            #expect(Self.plain(Array(text.utf8)) == nil, "\(text)")
            #expect((try? JSONValue.parse(Array(text.utf8))) == Self.foundation(Array(text.utf8)), "\(text)")
        }
        // Invalid UTF-8 inside a string: Foundation's to refuse.
        let invalid = Array(#"{"a": ""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        #expect(Self.plain(invalid) == nil)
        #expect(Self.foundation(invalid) == nil)
        #expect(Self.plain(Array(#"{"a": "é"}"#.utf8)) == .object(["a": .string("é")]))
    }

    @Test func everyDocumentItAcceptsIsTheOneFoundationReads() {
        var random = Xorshift(state: 0x2545_F491_4F6C_DD1D)
        var accepted = 0
        for round in 0..<30_000 {
            var bytes = Array(Self.seeds[round % Self.seeds.count].utf8)
            for _ in 0..<Int.random(in: 0...3, using: &random) {
                let at = Int.random(in: 0...bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes.insert(Self.interesting.randomElement(using: &random)!, at: at)
                case 1 where at < bytes.count: bytes.remove(at: at)
                default: if at < bytes.count { bytes[at] = Self.interesting.randomElement(using: &random)! }
                }
            }
            let foundation = Self.foundation(bytes)
            if let plain = Self.plain(bytes) {
                accepted += 1
                #expect(plain == foundation, "\(String(decoding: bytes, as: UTF8.self).debugDescription)")
            }
            // parse answers as Foundation does, value or error.
            #expect((try? JSONValue.parse(bytes)) == foundation)
        }
        #expect(accepted > 5_000)
    }
}
