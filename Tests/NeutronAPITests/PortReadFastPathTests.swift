import Foundation
import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Synchronization
import Testing

@testable import PortwatchServer

/// ``PortReadFastPath`` on an embedded channel: NIO's HTTP/1 server pipeline as Portwatch sets it up,
/// the fast path behind its decoder, and a stand-in for the router that answers what reaches it.
/// Port updates are held by the test until it answers them, as the writer holds them until durable.
@Suite struct PortReadFastPathTests {
    static let portID = "3f0c2a4e-6b1d-4c8e-9a7f-0d2e4b6c8a1f"

    /// The updates handed to the writer, with the callbacks that answer them.
    final class Writer: Sendable {
        let taken = Mutex<[(id: String, body: String, answer: @Sendable (Int, [UInt8], String) -> Void)]>([])

        var update: PortReadFastPath.Update {
            { id, _, body, _, answer in
                let text = String(buffer: body)
                // The stand-in for a body the route parses differently: left to the router.
                guard text.contains("data_plane_status") else { return false }
                self.taken.withLock { $0.append((id, text, answer)) }
                return true
            }
        }

        func answerNext(status: Int = 200, body: String) {
            let next = taken.withLock { $0.removeFirst() }
            next.answer(status, Array(body.utf8), "req-\(next.id)")
        }
    }

    /// Answers every request that reaches it: `routed <METHOD> <URI>` (no body for `HEAD`, which NIO's
    /// encoder leaves out by its pairing of answers with requests).
    final class Router: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        private var head: HTTPRequestHead?
        private(set) var reads = 0

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let request): head = request
            case .body: break
            case .end:
                guard let request = head else { return }
                let text = "routed \(request.method.rawValue) \(request.uri)"
                var headers = HTTPHeaders()
                headers.add(name: "Content-Length", value: String(text.utf8.count))
                context.write(
                    wrapOutboundOut(.head(.init(version: .http1_1, status: .ok, headers: headers))), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }

    /// Counts the reads asked of the socket.
    final class ReadCounter: ChannelOutboundHandler {
        typealias OutboundIn = Any
        let reads = Atomic(0)

        func read(context: ChannelHandlerContext) {
            reads.add(1, ordering: .relaxed)
            context.read()
        }
    }

    static func channel(_ writer: Writer, counter: ReadCounter? = nil) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        let pipeline = channel.pipeline.syncOperations
        if let counter { try pipeline.addHandler(counter) }
        try pipeline.configureHTTPServerPipeline(
            withPipeliningAssistance: false, withErrorHandling: false, withOutboundHeaderValidation: false,
            withEncoderConfiguration: .init())
        let answer: PortReadFastPath.Answer = { id, _ in (Array("shown \(id)".utf8), "req-show") }
        try pipeline.addHandler(
            PortReadFastPath(answer: answer, update: writer.update, metrics: nil, reads: ConnectionReads()))
        try pipeline.addHandler(Router())
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9696)).wait()
        return channel
    }

    static func request(_ method: String, _ uri: String, body: String = "") -> ByteBuffer {
        var text = "\(method) \(uri) HTTP/1.1\r\nHost: x\r\nX-User-Id: u\r\n"
        if !body.isEmpty || method == "PUT" { text += "Content-Length: \(body.utf8.count)\r\n" }
        return ByteBuffer(string: text + "\r\n" + body)
    }

    /// Every answer written so far, as (status, body); `heads` lists which requests were `HEAD`s.
    static func answers(_ channel: EmbeddedChannel, heads: Set<Int> = []) throws -> [(Int, String)] {
        var bytes = ByteBuffer()
        while let part = try channel.readOutbound(as: IOData.self) {
            guard case .byteBuffer(var buffer) = part else { continue }
            bytes.writeBuffer(&buffer)
        }
        var text = String(buffer: bytes)
        var answers: [(Int, String)] = []
        while let end = text.range(of: "\r\n\r\n") {
            let head = text[..<end.lowerBound]
            let lines = head.split(separator: "\r\n")
            let words = lines.first?.split(separator: " ") ?? []
            guard words.count >= 2, words[0] == "HTTP/1.1", let status = Int(words[1]) else {
                Issue.record("not an answer where one should start: \(text.prefix(120))")
                return answers
            }
            let length =
                heads.contains(answers.count)
                ? 0
                : lines.dropFirst().compactMap { line -> Int? in
                    let parts = line.split(separator: ":", maxSplits: 1)
                    return parts[0].lowercased() == "content-length"
                        ? Int(parts[1].trimmingCharacters(in: .whitespaces)) : nil
                }.first ?? 0
            let rest = text[end.upperBound...]
            answers.append((status, String(rest.prefix(length))))
            text = String(rest.dropFirst(length))
        }
        #expect(text.isEmpty, "bytes after the last whole answer: \(text)")
        return answers
    }

    @Test func anUpdateIsAnsweredOnlyOnceWrittenAndWhatFollowsWaitsForIt() throws {
        let writer = Writer()
        let channel = try Self.channel(writer)
        defer { _ = try? channel.finish() }
        var bytes = Self.request("PUT", "/v2.0/ports/\(Self.portID)", body: #"{"port":{"data_plane_status":"DOWN"}}"#)
        var more = Self.request("GET", "/v2.0/ports/\(Self.portID)")
        bytes.writeBuffer(&more)
        more = Self.request("GET", "/v2.0/networks")
        bytes.writeBuffer(&more)
        try channel.writeInbound(bytes)
        // The update is with the writer: nothing is answered, not even the requests behind it.
        #expect(writer.taken.withLock { $0.map(\.id) } == [Self.portID])
        #expect(try Self.answers(channel).isEmpty)
        writer.answerNext(body: "written")
        let answers = try Self.answers(channel)
        #expect(answers.map(\.0) == [200, 200, 200])
        #expect(answers.map(\.1) == ["written", "shown \(Self.portID)", "routed GET /v2.0/networks"])
    }

    @Test func aRefusalOfTheWriteIsAnsweredWithItsStatus() throws {
        let writer = Writer()
        let channel = try Self.channel(writer)
        defer { _ = try? channel.finish() }
        try channel.writeInbound(
            Self.request("PUT", "/v2.0/ports/gone", body: #"{"port":{"data_plane_status":"DOWN"}}"#))
        writer.answerNext(status: 404, body: #"{"NeutronError":{}}"#)
        let answers = try Self.answers(channel)
        #expect(answers.count == 1 && answers[0].0 == 404 && answers[0].1 == #"{"NeutronError":{}}"#)
    }

    @Test func anUpdateTheWriterDeclinesGoesToTheRouterWhole() throws {
        let writer = Writer()
        let channel = try Self.channel(writer)
        defer { _ = try? channel.finish() }
        try channel.writeInbound(Self.request("PUT", "/v2.0/ports/\(Self.portID)", body: #"{"port":{"name":"x"}}"#))
        try channel.writeInbound(
            Self.request("PUT", "/v2.0/ports/\(Self.portID).json", body: #"{"port":{"data_plane_status":null}}"#))
        #expect(writer.taken.withLock { $0.isEmpty })
        let answers = try Self.answers(channel)
        #expect(
            answers.map(\.1) == ["routed PUT /v2.0/ports/\(Self.portID)", "routed PUT /v2.0/ports/\(Self.portID).json"])
    }

    @Test func answersToHeadKeepTheirPlaceAmongEventLoopAnswers() throws {
        let writer = Writer()
        let channel = try Self.channel(writer)
        defer { _ = try? channel.finish() }
        let update = #"{"port":{"data_plane_status":"DOWN"}}"#
        try channel.writeInbound(Self.request("PUT", "/v2.0/ports/\(Self.portID)", body: update))
        writer.answerNext(body: "written")
        try channel.writeInbound(Self.request("GET", "/v2.0/ports/\(Self.portID)"))
        try channel.writeInbound(Self.request("HEAD", "/v2.0/ports"))
        try channel.writeInbound(Self.request("GET", "/v2.0/networks"))
        try channel.writeInbound(Self.request("PUT", "/v2.0/ports/\(Self.portID)", body: update))
        writer.answerNext(body: "written again")
        try channel.writeInbound(Self.request("GET", "/v2.0/ports"))
        let answers = try Self.answers(channel, heads: [2])
        #expect(
            answers.map(\.1) == [
                "written", "shown \(Self.portID)", "", "routed GET /v2.0/networks", "written again",
                "routed GET /v2.0/ports",
            ])
    }

    @Test func noMoreIsReadFromTheSocketWhileAnUpdateIsWritten() throws {
        let writer = Writer()
        let counter = ReadCounter()
        let channel = try Self.channel(writer, counter: counter)
        defer { _ = try? channel.finish() }
        try channel.writeInbound(
            Self.request("PUT", "/v2.0/ports/\(Self.portID)", body: #"{"port":{"data_plane_status":"DOWN"}}"#))
        let before = counter.reads.load(ordering: .relaxed)
        channel.read()
        channel.read()
        #expect(counter.reads.load(ordering: .relaxed) == before)
        writer.answerNext(body: "written")
        // The read asked for meanwhile is issued once the answer is written.
        #expect(counter.reads.load(ordering: .relaxed) == before + 1)
        channel.read()
        #expect(counter.reads.load(ordering: .relaxed) == before + 2)
    }
}
