import NIOCore
import NIOEmbedded
import Testing

@testable import AMQP

struct FrameDecoderTests {
    private func decode(_ bytes: [UInt8], maxFrameSize: UInt32 = 131_072) throws -> [AMQPFrame] {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(AMQPFrameDecoder(maxFrameSize: maxFrameSize)))
        try channel.writeInbound(ByteBuffer(bytes: bytes))
        var frames: [AMQPFrame] = []
        while let frame = try channel.readInbound(as: AMQPFrame.self) { frames.append(frame) }
        return frames
    }

    @Test func connectionStartAsRabbitMQSendsIt() throws {
        let frames = try decode(Fixtures.connectionStartFromRabbitMQ)
        guard
            case .method(0, .connectionStart(let major, let minor, let properties, let mechanisms, let locales)) =
                frames.first
        else {
            Issue.record("expected connection.start, got \(frames)")
            return
        }
        #expect(major == 0 && minor == 9)
        #expect(mechanisms == "PLAIN AMQPLAIN")
        #expect(locales == "en_US")
        #expect(properties["product"] == "RabbitMQ")
        #expect(properties["version"] == "3.10.8")
        guard case .table(let capabilities)? = properties["capabilities"] else {
            Issue.record("no capabilities table")
            return
        }
        #expect(capabilities["publisher_confirms"] == true)
        #expect(capabilities["connection.blocked"] == true)
        #expect(capabilities["authentication_failure_close"] == true)
        #expect(capabilities.count == 9)
    }

    @Test func ackMultipleAndNack() throws {
        #expect(try decode(Fixtures.ackMultiple) == [.method(channel: 1, .basicAck(deliveryTag: 13, multiple: true))])
        #expect(
            try decode(Fixtures.nackRequeue) == [
                .method(channel: 1, .basicNack(deliveryTag: 7, multiple: false, requeue: true))
            ])
    }

    @Test func framesSplitAcrossReadsAndSeveralInOneRead() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(AMQPFrameDecoder()))
        let stream = Fixtures.heartbeat + Fixtures.ackMultiple + Fixtures.channelClose406
        for byte in stream.prefix(10) { try channel.writeInbound(ByteBuffer(bytes: [byte])) }
        try channel.writeInbound(ByteBuffer(bytes: stream.dropFirst(10)))
        var frames: [AMQPFrame] = []
        while let frame = try channel.readInbound(as: AMQPFrame.self) { frames.append(frame) }
        #expect(frames.count == 3)
        #expect(frames[0] == .heartbeat)
        guard case .method(1, .channelClose(let reply)) = frames[2] else {
            Issue.record("expected channel.close")
            return
        }
        #expect(reply.replyCode == 406)
        #expect(reply.replyText == "PRECONDITION_FAILED - inequivalent arg 'durable'")
        #expect(reply.classID == 40 && reply.methodID == 10)
    }

    @Test func everyClientFixtureRoundTrips() throws {
        let fixtures = [
            Fixtures.startOk, Fixtures.tuneOk, Fixtures.open, Fixtures.channelOpen, Fixtures.exchangeDeclare,
            Fixtures.exchangeDeclareDurableAutoDelete, Fixtures.queueDeclare, Fixtures.queueDeclarePassiveAllBits,
            Fixtures.queueBind, Fixtures.confirmSelect, Fixtures.publish, Fixtures.publishMandatory, Fixtures.header,
            Fixtures.headerAllProperties, Fixtures.ackMultiple, Fixtures.nackRequeue, Fixtures.connectionClose,
            Fixtures.channelClose406, Fixtures.heartbeat, Fixtures.connectionStartFromRabbitMQ,
        ]
        for fixture in fixtures {
            let frames = try decode(fixture)
            #expect(frames.count == 1)
            var buffer = ByteBuffer()
            try AMQPFrameEncoder().encode(data: frames[0], out: &buffer)
            #expect(Array(buffer.readableBytesView) == fixture)
        }
    }

    @Test func headerPropertiesDecode() throws {
        guard case .header(1, let header) = try decode(Fixtures.headerAllProperties).first else {
            Issue.record("expected a header frame")
            return
        }
        #expect(header.bodySize == 3)
        #expect(header.properties.contentType == "text/plain")
        #expect(header.properties.headers == ["a": .int32(1)])
        #expect(header.properties.priority == 5)
        #expect(header.properties.timestamp == 1_700_000_000)
        #expect(header.properties.appID == "portwatch")
    }

    @Test func everyMethodRoundTrips() throws {
        let methods: [AMQPMethod] = [
            .connectionStart(
                versionMajor: 0, versionMinor: 9, serverProperties: ["a": "b"], mechanisms: "PLAIN", locales: "en_US"),
            .connectionTune(channelMax: 2047, frameMax: 131_072, heartbeat: 60), .connectionOpenOk,
            .connectionCloseOk, .connectionBlocked(reason: "low on memory"), .connectionUnblocked, .channelOpenOk,
            .channelCloseOk, .exchangeDeclareOk, .queueDeclareOk(queue: "q", messageCount: 5, consumerCount: 1),
            .queueBindOk, .confirmSelectOk, .confirmSelect(noWait: true),
            .basicReturn(replyCode: 312, replyText: "NO_ROUTE", exchange: "neutron", routingKey: "x"),
            // 60,60 (basic.deliver) is decoded since the consumer came: a method no client here knows
            .unknown(classID: 99, methodID: 1, arguments: ByteBuffer(bytes: [1, 2, 3])),
            .basicQos(prefetchSize: 0, prefetchCount: 64, global: true), .basicQosOk,
            .basicConsume(
                queue: "q", consumerTag: "t", noLocal: false, noAck: true, exclusive: true, noWait: false,
                arguments: ["x-priority": .int32(1)]),
            .basicConsumeOk(consumerTag: "t"), .basicCancel(consumerTag: "t", noWait: true),
            .basicCancelOk(consumerTag: "t"),
            .basicDeliver(
                consumerTag: "t", deliveryTag: 1 << 40, redelivered: true, exchange: "neutron", routingKey: "k"),
        ]
        for method in methods {
            var buffer = ByteBuffer()
            try AMQPFrameEncoder().encode(data: .method(channel: 3, method), out: &buffer)
            #expect(try decode(Array(buffer.readableBytesView)) == [.method(channel: 3, method)])
        }
    }

    @Test func badFrameEndIsRejected() throws {
        var bytes = Fixtures.ackMultiple
        bytes[bytes.count - 1] = 0xCD
        let error = #expect(throws: AMQPError.self) { try decode(bytes) }
        #expect(error?.code == .malformedFrame)
        #expect(error?.message.contains("frame-end") == true)
    }

    @Test func frameLargerThanFrameMaxIsRejected() throws {
        // Announces a 5000-byte payload; rejected from the header alone, before the payload arrives.
        let error = #expect(throws: AMQPError.self) { try decode([3, 0, 1, 0, 0, 0x13, 0x88], maxFrameSize: 4096) }
        #expect(error?.code == .frameTooLarge)
    }

    @Test func unknownFrameTypeIsRejected() throws {
        let error = #expect(throws: AMQPError.self) { try decode([9, 0, 0, 0, 0, 0, 0, 0xCE]) }
        #expect(error?.code == .malformedFrame)
    }

    @Test func truncatedMethodPayloadIsRejected() throws {
        // basic.ack with a 4-byte delivery tag instead of 8.
        let error = #expect(throws: AMQPError.self) {
            try decode([1, 0, 1, 0, 0, 0, 8, 0, 60, 0, 80, 0, 0, 0, 1, 0xCE])
        }
        #expect(error?.code == .malformedFrame)
    }

    @Test func protocolHeaderReplyMeansUnsupportedVersion() throws {
        let error = #expect(throws: AMQPError.self) { try decode(Array("AMQP".utf8) + [0, 0, 9, 1]) }
        #expect(error?.code == .unsupportedProtocol)
    }
}
