import PortwatchCore
import Testing

@testable import Notifications

/// `PythonJSON.reformat` writes what Python's `json.dumps` (default separators, `ensure_ascii`)
/// writes for the same value, byte for byte.
@Suite struct PythonJSONTests {
    @Test func reformatsCompactJSONAsPythonDumpsIt() {
        let compact = #"{"name":"café 🚀","d":"a\"b\\c","n":[1,2.5,null,true],"o":{"k":"v: w, x"}}"#
        // python3 -c 'import json; print(json.dumps({"name": "café 🚀", "d": "a\"b\\c", "n": [1, 2.5, None, True], "o": {"k": "v: w, x"}}))'
        let python =
            #"{"name": "caf\u00e9 \ud83d\ude80", "d": "a\"b\\c", "n": [1, 2.5, null, true], "o": {"k": "v: w, x"}}"#
        var output: [UInt8] = []
        PythonJSON.reformat(Array(compact.utf8), into: &output)
        #expect(String(decoding: output, as: UTF8.self) == python)
    }

    /// The one-pass envelope is the two passes' (reformat, then quote), byte for byte, on compact JSON
    /// with escapes of every kind, structural characters inside strings and whitespace outside them.
    @Test func envelopeInOnePassIsTheTwoPasses() {
        var inputs = [
            #"{}"#, #"[]"#, #"{"a":"b"}"#, #"{"q":"a\"b","s":"c\\d","n":"e\nf","u":"\u0001\u00e9","sl":"g\/h"}"#,
            #"{"k":"v: w, x","l":[1,-2.5e3,null,true,false,{}],"e":"\\\""}"#, #"{ "a" : [ 1 , 2 ] ,"b":"\\"}"#,
            "{\"t\":\"\t\r\",\n\"x\":1}", #"{"trailing":"\"#,
        ]
        // Strings of every ASCII byte that JSONWriter escapes or not, in objects and arrays.
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            var writer = JSONWriter()
            writer.value(Self.randomValue(depth: 0, using: &generator))
            inputs.append(String(decoding: writer.bytes, as: UTF8.self))
        }
        for input in inputs {
            let compact = Array(input.utf8)
            var message: [UInt8] = []
            PythonJSON.reformat(compact, into: &message)
            var twoPasses = Array(#"{"oslo.version": "2.0", "oslo.message": "#.utf8)
            PythonJSON.appendASCIIString(message, into: &twoPasses)
            twoPasses.append(UInt8(ascii: "}"))
            #expect(PythonJSON.envelope(reformatting: compact) == twoPasses, "\(input)")
        }
    }

    @Test func envelopeInOnePassLeavesNonASCIIToTheTwoPasses() {
        #expect(PythonJSON.envelope(reformatting: Array(#"{"name":"café"}"#.utf8)) == nil)
        #expect(PythonJSON.envelope(reformatting: Array(#"{"name":"cafe"}"#.utf8)) != nil)
    }

    private static func randomValue(depth: Int, using generator: inout SystemRandomNumberGenerator) -> JSONValue {
        switch Int.random(in: depth < 3 ? 0..<7 : 0..<5, using: &generator) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2: return .int(Int64.random(in: -1_000_000...1_000_000, using: &generator))
        case 3: return .double(Double.random(in: -1e6...1e6, using: &generator))
        case 4: return .string(randomASCII(using: &generator))
        case 5:
            return .array((0..<Int.random(in: 0..<4, using: &generator)).map { _ in randomValue(depth: depth + 1, using: &generator) })
        default:
            var object: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0..<4, using: &generator) {
                object[randomASCII(using: &generator)] = randomValue(depth: depth + 1, using: &generator)
            }
            return .object(object)
        }
    }

    /// ASCII text weighted towards what needs escaping: quotes, backslashes, control bytes, `,` `:` and spaces.
    private static func randomASCII(using generator: inout SystemRandomNumberGenerator) -> String {
        let special: [UInt8] = [0x22, 0x5C, 0x0A, 0x0D, 0x09, 0x01, 0x1F, 0x2C, 0x3A, 0x20, 0x2F, 0x7F]
        let bytes = (0..<Int.random(in: 0..<12, using: &generator)).map { _ in
            Bool.random(using: &generator)
                ? special.randomElement(using: &generator)! : UInt8.random(in: 0x20..<0x7F, using: &generator)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func quotesASCIIAsAJSONString() {
        var output: [UInt8] = []
        PythonJSON.appendASCIIString(Array(#"{"a": "b\"c\\d"}"#.utf8), into: &output)
        #expect(String(decoding: output, as: UTF8.self) == #""{\"a\": \"b\\\"c\\\\d\"}""#)
    }
}
