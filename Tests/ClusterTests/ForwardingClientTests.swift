import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import Testing

@testable import Cluster

/// A follower forwards its writes to the writer on connections of their own, as many at once as its
/// clients send, up to ``forwardedConnectionsPerWriter``: AsyncHTTPClient's default of 8 connections to
/// a host held every write past the eighth in the follower while the writer's batches stayed small.
@Suite struct ForwardingClientTests {
    @Test func moreThanEightForwardedWritesAreOnTheirWayToTheWriterAtOnce() async throws {
        // A writer that takes every connection and never answers: each request in flight holds one.
        let accepted = Mutex(0)
        let writer = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                accepted.withLock { $0 += 1 }
                return channel.eventLoop.makeSucceededVoidFuture()
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(writer.localAddress?.port)
        let writes = 24
        #expect(writes <= forwardedConnectionsPerWriter)
        let requests = (0..<writes).map { index in
            Task {
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v2.0/ports/p\(index)")
                request.method = .PUT
                request.body = .bytes(ByteBuffer(string: #"{"port": {"name": "p"}}"#))
                _ = try? await forwardingClient.execute(request, timeout: .seconds(120))
            }
        }
        // Bounded, never a fixed sleep: every write reaches the writer on a connection of its own.
        let deadline = ContinuousClock.now + .seconds(60)
        while accepted.withLock({ $0 }) < writes, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(accepted.withLock { $0 } == writes)
        for request in requests { request.cancel() }
        try await writer.close()
        for request in requests { await request.value }
    }
}
