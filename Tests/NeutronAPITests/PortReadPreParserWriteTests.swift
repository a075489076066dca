import Foundation
import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Synchronization
import Testing

@testable import PortwatchServer

/// Port updates written from the connection's bytes (``PortReadPreParser``), on an embedded channel
/// with the pipeline Portwatch sets up: the reader ahead of NIO's decoder, ``PortReadFastPath`` behind
/// it, and a stand-in for the router. The reader and the fast path each have their own stand-in for
/// the writer, so that every test sees which of them took an update.
@Suite struct PortReadPreParserWriteTests {
    typealias Writer = PortReadFastPathTests.Writer
    typealias Router = PortReadFastPathTests.Router
    typealias ReadCounter = PortReadFastPathTests.ReadCounter
    static let portID = PortReadFastPathTests.portID
    static let update = #"{"port":{"data_plane_status":"DOWN"}}"#

    /// Records the connection's events that get past the reader.
    final class EventRecorder: ChannelInboundHandler {
        typealias InboundIn = Any
        let events = Mutex<[String]>([])

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            events.withLock { $0.append("\(event)") }
            context.fireUserInboundEventTriggered(event)
        }
    }

    struct Pipeline {
        let channel: EmbeddedChannel
        /// The writer the reader hands updates to (from the bytes).
        let bytes = Writer()
        /// The writer ``PortReadFastPath`` hands updates to (behind NIO's decoder).
        let decoded = Writer()
        let counter = ReadCounter()
        let events = EventRecorder()

        /// `fromBytes`: false to give the reader no writer (`PORTWATCH_FAST_WRITES=decoded`).
        init(fromBytes: Bool = true) throws {
            channel = EmbeddedChannel()
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(counter)
            try pipeline.configureHTTPServerPipeline(
                withPipeliningAssistance: false, withErrorHandling: false, withOutboundHeaderValidation: false,
                withEncoderConfiguration: .init())
            let reads = ConnectionReads()
            let answer: PortReadFastPath.Answer = { id, _ in (Array("shown \(id)".utf8), "req-show") }
            try pipeline.addHandler(
                PortReadPreParser(answer: answer, update: fromBytes ? bytes.update : nil, metrics: nil, reads: reads),
                position: .after(counter))
            try pipeline.addHandler(
                PortReadFastPath(answer: answer, update: decoded.update, metrics: nil, reads: reads))
            try pipeline.addHandler(events)
            try pipeline.addHandler(Router())
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9696)).wait()
        }

        func send(_ parts: ByteBuffer...) throws {
            for part in parts { try channel.writeInbound(part) }
        }

        func answers(heads: Set<Int> = []) throws -> [(Int, String)] {
            try PortReadFastPathTests.answers(channel, heads: heads)
        }

        /// Every byte written to the socket so far, as text.
        func written() throws -> String {
            var bytes = ByteBuffer()
            while let part = try channel.readOutbound(as: IOData.self) {
                guard case .byteBuffer(var buffer) = part else { continue }
                bytes.writeBuffer(&buffer)
            }
            return String(buffer: bytes)
        }
    }

    static func request(_ method: String, _ uri: String, body: String = "") -> ByteBuffer {
        PortReadFastPathTests.request(method, uri, body: body)
    }

    /// Several requests sent at once, in one buffer.
    static func together(_ requests: ByteBuffer...) -> ByteBuffer {
        requests.reduce(into: ByteBuffer()) { bytes, request in
            var request = request
            bytes.writeBuffer(&request)
        }
    }

    @Test func anUpdateIsTakenFromTheBytesAndWhatFollowsWaitsForItsAnswer() throws {
        let pipeline = try Pipeline()
        defer { _ = try? pipeline.channel.finish() }
        try pipeline.send(
            Self.together(
                Self.request("PUT", "/v2.0/ports/\(Self.portID)", body: Self.update),
                Self.request("GET", "/v2.0/ports/\(Self.portID)"), Self.request("GET", "/v2.0/networks")))
        #expect(pipeline.bytes.taken.withLock { $0.map(\.id) } == [Self.portID])
        #expect(pipeline.bytes.taken.withLock { $0.map(\.body) } == [Self.update])
        #expect(pipeline.decoded.taken.withLock { $0.isEmpty })
        // Nothing is answered, not even the requests behind the update.
        #expect(try pipeline.answers().isEmpty)
        pipeline.bytes.answerNext(body: "written")
        let answers = try pipeline.answers()
        #expect(answers.map(\.0) == [200, 200, 200])
        #expect(answers.map(\.1) == ["written", "shown \(Self.portID)", "routed GET /v2.0/networks"])
    }

    @Test func anUpdateWhoseBodyComesInPiecesIsTakenWhole() throws {
        let pipeline = try Pipeline()
        defer { _ = try? pipeline.channel.finish() }
        let whole = String(buffer: Self.request("PUT", "/v2.0/ports/\(Self.portID)", body: Self.update))
        let cuts = [whole.count - Self.update.count - 3, whole.count - 10, whole.count - 1]
        var from = whole.startIndex
        for cut in cuts {
            let to = whole.index(whole.startIndex, offsetBy: cut)
            try pipeline.send(ByteBuffer(string: String(whole[from..<to])))
            from = to
            #expect(pipeline.bytes.taken.withLock { $0.isEmpty }, "taken after \(cut) of \(whole.count) bytes")
        }
        try pipeline.send(ByteBuffer(string: String(whole[from...])))
        #expect(pipeline.bytes.taken.withLock { $0.map(\.body) } == [Self.update])
        pipeline.bytes.answerNext(body: "written")
        #expect(try pipeline.answers().map(\.1) == ["written"])
    }

    /// A refusal's answer is byte for byte what the same answer behind NIO's decoder is, status line included.
    @Test func refusalsAreWrittenAsNIOsEncoderWritesThem() throws {
        for status in [400, 403, 404, 409, 412, 500, 503] {
            var texts: [String] = []
            for fromBytes in [true, false] {
                let pipeline = try Pipeline(fromBytes: fromBytes)
                defer { _ = try? pipeline.channel.finish() }
                try pipeline.send(Self.request("PUT", "/v2.0/ports/\(Self.portID)", body: Self.update))
                let writer = fromBytes ? pipeline.bytes : pipeline.decoded
                #expect(writer.taken.withLock { $0.count } == 1)
                writer.answerNext(status: status, body: #"{"NeutronError":{}}"#)
                let text = try pipeline.written()
                // The Date field may differ by a second between the two.
                texts.append(text.split(separator: "\r\n").filter { !$0.hasPrefix("Date: ") }.joined(separator: "\n"))
            }
            #expect(texts[0] == texts[1], "\(status)")
            #expect(texts[0].hasPrefix("HTTP/1.1 \(status) \(HTTPResponseStatus(statusCode: status).reasonPhrase)\n"))
        }
    }

    @Test func anUpdateTheWriterDeclinesOrTooLargeGoesToNIOWhole() throws {
        let pipeline = try Pipeline()
        defer { _ = try? pipeline.channel.finish() }
        // The stand-in writers decline bodies without `data_plane_status`.
        try pipeline.send(Self.request("PUT", "/v2.0/ports/\(Self.portID)", body: #"{"port":{"name":"x"}}"#))
        let large =
            #"{"port":{"data_plane_status":"DOWN","description":""# + String(repeating: "x", count: 17_000)
            + #""}}"#
        try pipeline.send(Self.request("PUT", "/v2.0/ports/\(Self.portID)", body: large))
        #expect(pipeline.bytes.taken.withLock { $0.isEmpty })
        #expect(pipeline.decoded.taken.withLock { $0.isEmpty })
        #expect(
            try pipeline.answers().map(\.1) == [
                "routed PUT /v2.0/ports/\(Self.portID)", "routed PUT /v2.0/ports/\(Self.portID)",
            ])
    }

    @Test func answersToHeadKeepTheirPlaceAmongUpdatesFromTheBytes() throws {
        let pipeline = try Pipeline()
        defer { _ = try? pipeline.channel.finish() }
        try pipeline.send(Self.request("PUT", "/v2.0/ports/\(Self.portID)", body: Self.update))
        pipeline.bytes.answerNext(body: "written")
        try pipeline.send(Self.request("HEAD", "/v2.0/ports"))
        try pipeline.send(Self.request("GET", "/v2.0/networks"))
        try pipeline.send(
            Self.together(
                Self.request("PUT", "/v2.0/ports/\(Self.portID)", body: Self.update),
                Self.request("HEAD", "/v2.0/networks"), Self.request("GET", "/v2.0/ports/\(Self.portID)")))
        pipeline.bytes.answerNext(body: "written again")
        try pipeline.send(Self.request("GET", "/v2.0/ports"))
        let answers = try pipeline.answers(heads: [1, 4])
        #expect(
            answers.map(\.1) == [
                "written", "", "routed GET /v2.0/networks", "written again", "", "shown \(Self.portID)",
                "routed GET /v2.0/ports",
            ])
        // The update after the routed requests was the reader's too: they were answered by then.
        #expect(pipeline.decoded.taken.withLock { $0.isEmpty })
    }

    @Test func readingGoesOnUntilBytesWaitBehindAnUpdate() throws {
        let pipeline = try Pipeline()
        defer { _ = try? pipeline.channel.finish() }
        try pipeline.send(Self.request("PUT", "/v2.0/ports/\(Self.portID)", body: Self.update))
        let reads = { pipeline.counter.reads.load(ordering: .relaxed) }
        let before = reads()
        // Nothing waits: a read is issued as usual.
        pipeline.channel.read()
        #expect(reads() == before + 1)
        // The next request arrives while the update is with the writer: no more reads until answered.
        try pipeline.send(Self.request("GET", "/v2.0/ports/\(Self.portID)"))
        let afterWaiting = reads()
        pipeline.channel.read()
        pipeline.channel.read()
        #expect(reads() == afterWaiting)
        #expect(try pipeline.answers().isEmpty)
        pipeline.bytes.answerNext(body: "written")
        #expect(reads() == afterWaiting + 1)
        #expect(try pipeline.answers().map(\.1) == ["written", "shown \(Self.portID)"])
    }

    @Test func theEndOfInputWaitsForTheAnswer() throws {
        let pipeline = try Pipeline()
        defer { _ = try? pipeline.channel.finish() }
        try pipeline.send(Self.request("PUT", "/v2.0/ports/\(Self.portID)", body: Self.update))
        pipeline.channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(pipeline.events.events.withLock { $0.isEmpty })
        pipeline.bytes.answerNext(body: "written")
        #expect(try pipeline.answers().map(\.1) == ["written"])
        #expect(pipeline.events.events.withLock { $0 } == ["\(ChannelEvent.inputClosed)"])
    }

    @Test func anAnswerForAClosedConnectionIsDropped() throws {
        let pipeline = try Pipeline()
        try pipeline.send(Self.request("PUT", "/v2.0/ports/\(Self.portID)", body: Self.update))
        try pipeline.send(Self.request("GET", "/v2.0/ports/\(Self.portID)"))
        _ = try pipeline.channel.finish(acceptAlreadyClosed: true)
        pipeline.bytes.answerNext(body: "written")
        #expect(try pipeline.written().isEmpty)
    }
}
