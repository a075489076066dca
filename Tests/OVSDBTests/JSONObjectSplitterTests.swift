import NIOCore
import OVSDB
import Testing

struct JSONObjectSplitterTests {
    func split(_ chunks: [String], maximum: Int = 1 << 20) throws -> [String] {
        var splitter = JSONObjectSplitter(maximumMessageSize: maximum)
        var buffer = ByteBuffer()
        var messages: [String] = []
        for chunk in chunks {
            buffer.writeString(chunk)
            while let message = try splitter.nextMessage(from: &buffer) {
                messages.append(String(buffer: message))
            }
        }
        return messages
    }

    @Test func splitsConcatenatedObjects() throws {
        #expect(
            try split([#"{"id":1,"result":[]}{"id":2,"result":{}}  {"method":"echo","params":[],"id":"echo"}"#])
                == [#"{"id":1,"result":[]}"#, #"{"id":2,"result":{}}"#, #"{"method":"echo","params":[],"id":"echo"}"#])
    }

    @Test func bracesAndEscapedQuotesInsideStringsDoNotCount() throws {
        let tricky = #"{"error":"a \"}\" and a { and \\","details":"]]}}\\\"{"}"#
        #expect(try split([tricky + "\n" + #"{"id":3}"#]) == [tricky, #"{"id":3}"#])
    }

    @Test func nestedObjectsAndArrays() throws {
        let nested = #"{"a":{"b":[{"c":{}},[[]]],"d":"}"},"e":[1,{"f":2}]}"#
        #expect(try split([nested, nested]) == [nested, nested])
    }

    @Test func aMessageSplitAcrossReadsIsAssembled() throws {
        let message =
            #"{"method":"update","params":["portwatch",{"Interface":{"u":{"new":{"name":"tap\"1"}}}}],"id":null}"#
        // Every split point, including inside an escape sequence.
        for cut in 1..<message.utf8.count {
            let bytes = Array(message.utf8)
            let chunks = [
                String(decoding: bytes[..<cut], as: UTF8.self), String(decoding: bytes[cut...], as: UTF8.self),
            ]
            #expect(try split(chunks) == [message], "cut at \(cut)")
        }
        #expect(try split(message.map { String($0) }) == [message], "one byte per read")
    }

    @Test func anOversizeMessageIsAnErrorNotACrash() throws {
        let seventeen = #"{"a":"012345678"}"#
        #expect(try split([seventeen], maximum: 17) == [seventeen])
        #expect {
            try split([seventeen], maximum: 16)
        } throws: { ($0 as? OVSDBError)?.code == .messageTooLarge }
        // Without the closing brace ever arriving, the bound still stops the scan.
        #expect {
            try split(
                ["{\"a\":\"", String(repeating: "x", count: 64), String(repeating: "y", count: 64)], maximum: 100)
        } throws: { ($0 as? OVSDBError)?.code == .messageTooLarge }
    }

    @Test func bytesBetweenMessagesThatAreNotJSONObjectsFail() throws {
        #expect {
            try split([#"{"id":1} x{"id":2}"#])
        } throws: { ($0 as? OVSDBError)?.code == .malformedMessage }
    }
}
