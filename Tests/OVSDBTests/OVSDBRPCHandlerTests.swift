import Logging
import NIOCore
import NIOEmbedded
import OVSDB
import Testing

/// The JSON-RPC session byte for byte, without sockets.
struct OVSDBRPCHandlerTests {
    struct Session {
        let channel = EmbeddedChannel()
        let notifications: AsyncThrowingStream<OVSDBNotification, any Error>

        init(maximumMessageSize: Int = 1 << 20) throws {
            let (stream, continuation) = AsyncThrowingStream<OVSDBNotification, any Error>.makeStream()
            notifications = stream
            try channel.pipeline.syncOperations.addHandlers(
                ByteToMessageHandler(OVSDBMessageDecoder(maximumMessageSize: maximumMessageSize)),
                MessageToByteHandler(OVSDBMessageEncoder()),
                OVSDBRPCHandler(notifications: continuation, logger: Logger(label: "test")))
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 6640)).wait()
        }

        func receive(_ text: String) throws {
            try channel.writeInbound(ByteBuffer(string: text))
        }

        /// The next message written to the server, decoded.
        func sent() throws -> JSONValue? {
            guard let buffer = try channel.readOutbound(as: ByteBuffer.self) else { return nil }
            return try JSONValue(decoding: buffer.readableBytesView)
        }

        func request(_ method: String, _ params: [JSONValue] = []) -> EventLoopFuture<JSONValue> {
            let promise = channel.eventLoop.makePromise(of: JSONValue.self)
            channel.writeAndFlush(
                OVSDBRPCHandler.Request(method: method, params: params, promise: promise), promise: nil)
            return promise.futureResult
        }
    }

    @Test func echoRequestsFromTheServerAreAnsweredWithTheirIdAndParams() throws {
        let session = try Session()
        try session.receive(#"{"id":"echo","method":"echo","params":["x",1]}"#)
        #expect(try session.sent() == ["id": "echo", "result": ["x", 1], "error": nil])
        // Split across reads, twice in one read: each answered once.
        try session.receive(#"{"id":"echo","meth"#)
        #expect(try session.sent() == nil)
        try session.receive(#"od":"echo","params":[]}{"id":7,"method":"echo","params":[]}"#)
        #expect(try session.sent() == ["id": "echo", "result": [], "error": nil])
        #expect(try session.sent() == ["id": 7, "result": [], "error": nil])
        #expect(try session.sent() == nil)
    }

    @Test func requestsGetIdsAndTheirAnswersCompleteThem() throws {
        let session = try Session()
        let first = session.request("list_dbs")
        let second = session.request("get_schema", ["Open_vSwitch"])
        #expect(try session.sent() == ["method": "list_dbs", "params": [], "id": 0])
        #expect(try session.sent() == ["method": "get_schema", "params": ["Open_vSwitch"], "id": 1])
        // Answers out of order are matched by id.
        try session.receive(#"{"id":1,"result":{"name":"Open_vSwitch"},"error":null}"#)
        try session.receive(#"{"id":0,"result":["Open_vSwitch","_Server"],"error":null}"#)
        #expect(try first.wait() == ["Open_vSwitch", "_Server"])
        #expect(try second.wait() == ["name": "Open_vSwitch"])
    }

    @Test func anErrorAnswerFailsTheRequestWithTheServerError() throws {
        let session = try Session()
        let answer = session.request("get_schema", ["nope"])
        _ = try session.sent()
        try session.receive(#"{"id":0,"result":null,"error":{"error":"unknown database","details":"nope"}}"#)
        #expect {
            try answer.wait()
        } throws: { error in
            let error = error as? OVSDBError
            return error?.code == .serverError && error?.serverError?["error"] == "unknown database"
        }
    }

    @Test func notificationsAreYieldedAndTheStreamEndsWithTheConnection() async throws {
        let session = try Session()
        let pending = session.request("monitor", ["Open_vSwitch", "m", [:]])
        try session.receive(#"{"id":null,"method":"update","params":["m",{"Interface":{}}]}"#)
        try session.receive(#"{"id":null,"method":"locked","params":["ovs_vswitchd"]}"#)
        _ = try await session.channel.close()

        var received: [OVSDBNotification] = []
        await #expect {
            for try await notification in session.notifications { received.append(notification) }
        } throws: { ($0 as? OVSDBError)?.code == .connectionClosed }
        #expect(
            received == [
                OVSDBNotification(method: "update", params: ["m", ["Interface": [:]]]),
                OVSDBNotification(method: "locked", params: ["ovs_vswitchd"]),
            ])
        #expect(throws: OVSDBError.self) { try pending.wait() }
    }

    @Test func anOversizeMessageClosesTheConnectionWithAnError() async throws {
        let session = try Session(maximumMessageSize: 64)
        let pending = session.request("list_dbs")
        try? session.receive(#"{"id":0,"result":[""# + String(repeating: "x", count: 100) + #""]}"#)
        #expect(!session.channel.isActive)
        #expect {
            try pending.wait()
        } throws: { ($0 as? OVSDBError)?.code == .messageTooLarge }
        await #expect {
            for try await _ in session.notifications {}
        } throws: { ($0 as? OVSDBError)?.code == .messageTooLarge }
    }

    @Test func aQuietServerIsProbedThenDropped() throws {
        let session = try Session()
        session.channel.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.read)
        #expect(try session.sent() == ["method": "echo", "params": [], "id": 0])
        // An answer resets the probe.
        try session.receive(#"{"id":0,"result":[],"error":null}"#)
        session.channel.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.read)
        #expect(try session.sent() == ["method": "echo", "params": [], "id": 1])
        #expect(session.channel.isActive)
        // Silence through another period closes the connection.
        session.channel.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.read)
        #expect(!session.channel.isActive)
    }
}
