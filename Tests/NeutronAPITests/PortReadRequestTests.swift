import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import PortwatchServer

/// ``PortReadRequest`` frames requests ahead of NIO's decoder, so every request it accepts must be
/// the request NIO reads from the same bytes, ending at the same byte: otherwise a port show could be
/// answered from bytes NIO takes for a body (request smuggling), or the other way round.
@Suite struct PortReadRequestTests {
    static let portID = "3f0c2a4e-6b1d-4c8e-9a7f-0d2e4b6c8a1f"

    static let seeds: [String] = [
        "GET /v2.0/ports/\(portID) HTTP/1.1\r\nHost: 127.0.0.1:9696\r\n\r\n",
        "GET /v2.0/ports/\(portID) HTTP/1.1\r\nHost: x\r\nUser-Agent: openstacksdk/4.1.0 keystoneauth1/5.8.0\r\n"
            + "Accept-Encoding: gzip, deflate\r\nAccept: application/json\r\nConnection: keep-alive\r\n"
            + "X-Auth-Token: gAAAAABnZ0rR-token_value\r\n\r\n",
        "GET /v2.0/ports/\(portID) HTTP/1.1\r\nX-User-Id: u1\r\nX-Project-Id:p1\r\nX-Roles:\t member,reader\r\n"
            + "X-Roles: admin\r\nX-Empty:\r\n\r\n",
        "PUT /v2.0/ports/\(portID) HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 44\r\n\r\n"
            + #"{"port": {"data_plane_status": "DOWN"}}     "#,
        "POST /v2.0/networks HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}",
        "DELETE /v2.0/ports/\(portID) HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /v2.0/ports?fields=id&network_id=n1 HTTP/1.1\r\nHost: x\r\n\r\n",
        "HEAD /v2.0/ports/\(portID).json HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /v2.0/ports/\(portID) HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
        "GET /v2.0/ports/\(portID) HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "PUT /x HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
        "GET /v2.0/ports/\(portID) HTTP/1.0\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n",
    ]

    /// Bytes that matter to HTTP's framing, inserted or substituted at random.
    static let interesting: [UInt8] = Array(" \t\r\n:;,/?%.#\0\u{7f}aA0-_~\"".utf8) + [0x80, 0xC3, 0xFF, 0x0B]

    static let sentinel = "GET /sentinel HTTP/1.1\r\nHost: next\r\n\r\n"

    /// A small deterministic generator, so that a failure is reproducible.
    struct Xorshift: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
    }

    static func mutate(_ bytes: [UInt8], using random: inout Xorshift) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let at = Int.random(in: 0...bytes.count, using: &random)
            switch Int.random(in: 0..<6, using: &random) {
            case 0: bytes.insert(interesting.randomElement(using: &random)!, at: at)
            case 1 where at < bytes.count: bytes.remove(at: at)
            case 2 where at < bytes.count: bytes[at] = interesting.randomElement(using: &random)!
            case 3 where at < bytes.count:
                // Flip a letter's case.
                if (0x41...0x5A).contains(bytes[at]) || (0x61...0x7A).contains(bytes[at]) { bytes[at] ^= 0x20 }
            case 4:
                // A field line of framing significance.
                let lines = [
                    "Content-Length: 5\r\n", "Transfer-Encoding: chunked\r\n", "Connection: close\r\n",
                    "Content-Length:  7 \r\n", "X-A: b\r\n c\r\n", "Connection: Keep-Alive\r\n",
                    "Expect: 100-continue\r\n",
                ]
                if let line = bytes.firstIndex(of: UInt8(ascii: "\n")) {
                    bytes.insert(contentsOf: Array(lines.randomElement(using: &random)!.utf8), at: line + 1)
                }
            default:
                bytes.insert(contentsOf: Array("abcde".utf8), at: at)
            }
        }
        return bytes
    }

    /// What NIO's decoder reads from `bytes`, a line a part (a body's chunks as one), and whether it
    /// refused them at some point.
    static func nioReads(_ bytes: ArraySlice<UInt8>) -> (parts: [String], refused: Bool) {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(HTTPRequestDecoder()))
        defer { _ = try? channel.finish() }
        var refused = false
        do {
            try channel.writeInbound(channel.allocator.buffer(bytes: bytes))
        } catch {
            refused = true
        }
        var parts: [String] = []
        while let part = try? channel.readInbound(as: HTTPServerRequestPart.self) {
            switch part {
            case .head(let head):
                let fields = head.headers.map { "\($0.name)=\($0.value)" }
                parts.append("\(head.method) \(head.uri) \(head.version) keep-alive=\(head.isKeepAlive) \(fields)")
            case .body(let chunk):
                // One scalar a byte (Latin-1), so that lengths count bytes and no byte is lost.
                let text =
                    "body " + String(String.UnicodeScalarView(chunk.readableBytesView.map { Unicode.Scalar($0) }))
                if let last = parts.last, last.hasPrefix("body ") {
                    parts[parts.count - 1] = last + text.dropFirst(5)
                } else {
                    parts.append(text)
                }
            case .end: parts.append("end")
            }
        }
        return (parts, refused)
    }

    /// Checks that NIO reads `bytes` as `parsed` says: the request's head and body, ended where this
    /// reader ends it, and then whatever follows exactly as if it came alone.
    static func expectNIOAgrees(_ bytes: [UInt8], _ parsed: PortReadRequest.Parsed) {
        guard case .request(let head, let bodyLength, let portShow) = parsed else { return }
        let shown = String(decoding: bytes, as: UTF8.self).debugDescription
        let end = head + bodyLength
        let whole = nioReads(bytes[...])
        guard end <= bytes.count else {
            // The body is still to come: NIO waits for it too.
            #expect(
                !whole.refused && whole.parts.count == 2
                    && whole.parts[1].unicodeScalars.count == 5 + bytes.count - head,
                "\(shown): \(whole)")
            return
        }
        let request = nioReads(bytes[..<end])
        #expect(!request.refused, "NIO refused a request this reader accepts: \(shown)")
        #expect(request.parts.count == (bodyLength == 0 ? 2 : 3), "\(shown): \(request.parts)")
        #expect(request.parts.last == "end", "NIO did not end the request where this reader did: \(shown)")
        let rest = nioReads(bytes[end...])
        #expect(whole.parts == request.parts + rest.parts, "NIO read the next request from elsewhere: \(shown)")
        #expect(whole.refused == rest.refused)
        guard let portShow else { return }
        let fields = portShow.fields.map { "\($0.name.rawName)=\($0.value)" }
        let method = portShow.isUpdate ? "PUT" : "GET"
        #expect(
            request.parts.first == "\(method) /v2.0/ports/\(portShow.id) HTTP/1.1 keep-alive=true \(fields)", "\(shown)"
        )
    }

    static func parse(_ bytes: [UInt8]) -> PortReadRequest.Parsed {
        bytes.withUnsafeBytes(PortReadRequest.parse)
    }

    @Test func readsThePlainFormsAndLeavesTheRestToNIO() throws {
        let show = Array(Self.seeds[1].utf8)
        guard case .request(let head, 0, let portShow?) = Self.parse(show + Array(Self.sentinel.utf8)) else {
            Issue.record("the SDK's port show is not accepted")
            return
        }
        #expect(head == show.count)
        #expect(portShow.id == Self.portID)
        #expect(portShow.fields[.init("X-Auth-Token")!] == "gAAAAABnZ0rR-token_value")
        #expect(portShow.fields[.connection] == "keep-alive")
        // Leading and no whitespace; repeated and empty fields, in order.
        guard case .request(_, 0, let roles?) = Self.parse(Array(Self.seeds[2].utf8)) else {
            Issue.record("the headers caller's port show is not accepted")
            return
        }
        #expect(roles.fields.map(\.value) == ["u1", "p1", "member,reader", "admin", ""])
        #expect(!portShow.isUpdate)
        // A PUT is framed by its Content-Length, and comes with its fields as a port update.
        let put = Array(Self.seeds[3].utf8)
        guard case .request(let putHead, 44, let update?) = Self.parse(put) else {
            Issue.record("the PUT is not framed as a port update")
            return
        }
        #expect(putHead + 44 == put.count)
        #expect(update.isUpdate && update.id == Self.portID)
        #expect(update.fields[.contentType] == "application/json")
        // Not an update to write at once: no body, a body over the bound, another target.
        for request in [
            "PUT /v2.0/ports/\(Self.portID) HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
            "PUT /v2.0/ports/\(Self.portID) HTTP/1.1\r\nHost: x\r\n\r\n",
            "PUT /v2.0/ports/\(Self.portID) HTTP/1.1\r\nContent-Length: \(PortReadFastPath.maxUpdateBody + 1)\r\n\r\n",
            "PUT /v2.0/ports/\(Self.portID).json HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}",
            "PUT /v2.0/networks/\(Self.portID) HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}",
            "POST /v2.0/ports/\(Self.portID) HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}",
        ] {
            guard case .request(_, _, nil) = Self.parse(Array(request.utf8)) else {
                Issue.record("taken as a port request: \(request.debugDescription)")
                continue
            }
        }
        guard
            case .request(_, PortReadFastPath.maxUpdateBody, _?) = Self.parse(
                Array(
                    "PUT /v2.0/ports/\(Self.portID) HTTP/1.1\r\nContent-Length: \(PortReadFastPath.maxUpdateBody)\r\n\r\n"
                        .utf8))
        else {
            Issue.record("an update of the largest body is not a port update")
            return
        }
        // Anything that is not plain HTTP/1.1 framing is NIO's.
        for seed in Self.seeds[9...11] { #expect(Self.parse(Array(seed.utf8)) == .other, "\(seed)") }
        // A port show with `Content-Length: 0` has no body: it may be answered at once.
        guard case .request(_, 0, _?) = Self.parse(Array(Self.seeds[8].utf8)) else {
            Issue.record("a port show with Content-Length: 0 is not accepted")
            return
        }
        #expect(
            Self.parse(Array("GET /v2.0/ports/\(Self.portID) HTTP/1.1\r\nConnection: close\r\n\r\n".utf8)) == .other)
        #expect(Self.parse(Array("GET /v2.0/ports/\(Self.portID) HTTP/1.1\r\nX: a \r\n\r\n".utf8)) == .other)
        #expect(Self.parse(Array("GET /v2.0/ports/\(Self.portID) HTTP/1.1\r\nX : a\r\n\r\n".utf8)) == .other)
        #expect(Self.parse(Array("GET /v2.0/ports/\(Self.portID) HTTP/1.1\nX: a\r\n\r\n".utf8)) == .other)
        #expect(Self.parse(Array("\r\nGET /v2.0/ports/\(Self.portID) HTTP/1.1\r\n\r\n".utf8)) == .other)
    }

    @Test func everyStartOfAnAcceptedRequestWaitsForMore() {
        for seed in Self.seeds[0...7] {
            let bytes = Array(seed.utf8)
            guard case .request(let head, _, _) = Self.parse(bytes) else {
                Issue.record("not accepted: \(seed.debugDescription)")
                continue
            }
            for end in 0..<head { #expect(Self.parse(Array(bytes[..<end])) == .incomplete, "\(end) of \(seed)") }
        }
        // A head longer than the bound is NIO's, complete or not.
        let long = Array(
            "GET /v2.0/ports/\(Self.portID) HTTP/1.1\r\nX-Long: \(String(repeating: "a", count: 9000))".utf8)
        #expect(Self.parse(long) == .other)
    }

    @Test func everyRequestItAcceptsIsTheOneNIOReads() {
        var random = Xorshift(state: 0x9E37_79B9_7F4A_7C15)
        var (accepted, shows) = (0, 0)
        for seed in Self.seeds {
            let bytes = Array(seed.utf8) + Array(Self.sentinel.utf8)
            Self.expectNIOAgrees(bytes, Self.parse(bytes))
        }
        for round in 0..<20_000 {
            let seed = Array(Self.seeds[round % Self.seeds.count].utf8)
            let bytes = Self.mutate(seed, using: &random) + Array(Self.sentinel.utf8)
            let parsed = Self.parse(bytes)
            if case .request(_, _, let portShow) = parsed {
                accepted += 1
                if portShow != nil { shows += 1 }
            }
            Self.expectNIOAgrees(bytes, parsed)
        }
        // The mutations keep many requests acceptable: the comparison is not vacuous.
        #expect(accepted > 2_000)
        #expect(shows > 500)
    }
}
