import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// Yardsticks below Hummingbird, for insight into the GET figure: SwiftNIO answering every request with
/// fixed bytes, either through NIO's HTTP/1 codec (`nio-http`: what any NIO server pays for HTTP) or
/// straight from the socket's bytes with no HTTP parsing at all (`nio-raw`: what the event loop and the
/// socket cost; it only counts request ends, so it serves wrk's keep-alive GETs and nothing else).
enum NIOHTTPBenchmark {
    static func run(port: Int, file: String, parse: Bool) async throws {
        let body = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if parse {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                        try channel.pipeline.syncOperations.addHandler(CodecHandler(body: body))
                    } else {
                        try channel.pipeline.syncOperations.addHandler(RawHandler(body: body))
                    }
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
        try await channel.closeFuture.get()
    }

    final class CodecHandler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let body: [UInt8]
        init(body: [UInt8]) { self.body = body }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .end = unwrapInboundIn(data) else { return }
            var head = HTTPResponseHead(version: .http1_1, status: .ok)
            head.headers.add(name: "Content-Type", value: "application/json")
            head.headers.add(name: "Content-Length", value: String(body.count))
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }

    final class RawHandler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let response: [UInt8]
        init(body: [UInt8]) {
            response =
                Array(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n".utf8)
                + body
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            var ends = 0
            buffer.withUnsafeReadableBytes { bytes in
                var index = 3
                while index < bytes.count {
                    if bytes[index] == 10, bytes[index - 1] == 13, bytes[index - 2] == 10, bytes[index - 3] == 13 {
                        ends += 1
                    }
                    index += 1
                }
            }
            for _ in 0..<ends {
                context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: response)), promise: nil)
            }
            if ends > 0 { context.flush() }
        }
    }
}
