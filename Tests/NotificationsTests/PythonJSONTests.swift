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

    @Test func quotesASCIIAsAJSONString() {
        var output: [UInt8] = []
        PythonJSON.appendASCIIString(Array(#"{"a": "b\"c\\d"}"#.utf8), into: &output)
        #expect(String(decoding: output, as: UTF8.self) == #""{\"a\": \"b\\\"c\\\\d\"}""#)
    }
}
