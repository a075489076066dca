import NIOCore
import NIOEmbedded
import Testing

@testable import AMQP

struct FrameEncoderTests {
    private func encode(_ frames: AMQPFrame...) throws -> [UInt8] {
        let channel = EmbeddedChannel(handler: MessageToByteHandler(AMQPFrameEncoder()))
        var bytes: [UInt8] = []
        for frame in frames {
            try channel.writeOutbound(frame)
            while let buffer = try channel.readOutbound(as: ByteBuffer.self) { bytes += buffer.readableBytesView }
        }
        _ = try channel.finish()
        return bytes
    }

    @Test func protocolHeader() throws {
        #expect(try encode(.protocolHeader) == [0x41, 0x4D, 0x51, 0x50, 0x00, 0x00, 0x09, 0x01])
    }

    @Test func startOk() throws {
        let properties: AMQPTable = [
            "product": "Portwatch AMQP (SwiftNIO)", "platform": "Swift", "version": "1.0",
            "capabilities": .table([
                "publisher_confirms": true, "authentication_failure_close": true, "connection.blocked": true,
                "consumer_cancel_notify": true,
            ]),
        ]
        let frame = AMQPFrame.method(
            channel: 0,
            .connectionStartOk(
                clientProperties: properties, mechanism: "PLAIN", response: Array("\0guest\0guest".utf8),
                locale: "en_US"))
        #expect(try encode(frame) == Fixtures.startOk)
    }

    @Test func tuneOkAndOpen() throws {
        #expect(
            try encode(.method(channel: 0, .connectionTuneOk(channelMax: 2047, frameMax: 131_072, heartbeat: 60)))
                == Fixtures.tuneOk)
        #expect(try encode(.method(channel: 0, .connectionOpen(virtualHost: "/"))) == Fixtures.open)
    }

    @Test func channelMethods() throws {
        #expect(try encode(.method(channel: 1, .channelOpen)) == Fixtures.channelOpen)
        #expect(try encode(.method(channel: 1, .confirmSelect(noWait: false))) == Fixtures.confirmSelect)
        let close = AMQPCloseReply(
            replyCode: 406, replyText: "PRECONDITION_FAILED - inequivalent arg 'durable'", classID: 40, methodID: 10)
        #expect(try encode(.method(channel: 1, .channelClose(close))) == Fixtures.channelClose406)
        #expect(
            try encode(
                .method(channel: 0, .connectionClose(AMQPCloseReply(replyCode: 200, replyText: "Normal shutdown"))))
                == Fixtures.connectionClose)
    }

    @Test func declarations() throws {
        #expect(
            try encode(
                .method(
                    channel: 1,
                    .exchangeDeclare(
                        exchange: "neutron", type: "topic", passive: false, durable: false, autoDelete: false,
                        internal: false,
                        noWait: false, arguments: [:]))) == Fixtures.exchangeDeclare)
        #expect(
            try encode(
                .method(
                    channel: 1,
                    .exchangeDeclare(
                        exchange: "neutron", type: "topic", passive: false, durable: true, autoDelete: true,
                        internal: false,
                        noWait: false, arguments: [:]))) == Fixtures.exchangeDeclareDurableAutoDelete)
        #expect(
            try encode(
                .method(
                    channel: 1,
                    .queueDeclare(
                        queue: "notifications.info", passive: false, durable: false, exclusive: false,
                        autoDelete: false,
                        noWait: false, arguments: [:]))) == Fixtures.queueDeclare)
        #expect(
            try encode(
                .method(
                    channel: 1,
                    .queueDeclare(
                        queue: "q", passive: true, durable: true, exclusive: true, autoDelete: true, noWait: false,
                        arguments: [:]))) == Fixtures.queueDeclarePassiveAllBits)
        #expect(
            try encode(
                .method(
                    channel: 1,
                    .queueBind(
                        queue: "notifications.info", exchange: "neutron", routingKey: "notifications.info",
                        noWait: false,
                        arguments: [:]))) == Fixtures.queueBind)
    }

    @Test func publishWithBodySplitAcrossFrames() throws {
        let body = (0..<10_000).map { UInt8(truncatingIfNeeded: $0) }
        let message = AMQPMessage(
            exchange: "neutron", routingKey: "notifications.info", body: body,
            properties: AMQPProperties(contentType: "application/json", contentEncoding: "utf-8", deliveryMode: 2))
        let frames = message.frames(channel: 1, frameMax: 4096)
        #expect(frames.count == 5)
        var expected = Fixtures.publish + Fixtures.header
        for chunk in [body[0..<4088], body[4088..<8176], body[8176...]] {
            expected += [3, 0, 1] + withUnsafeBytes(of: UInt32(chunk.count).bigEndian, Array.init) + chunk + [0xCE]
        }
        let channel = EmbeddedChannel(handler: MessageToByteHandler(AMQPFrameEncoder()))
        var bytes: [UInt8] = []
        for frame in frames {
            try channel.writeOutbound(frame)
            bytes += try channel.readOutbound(as: ByteBuffer.self)!.readableBytesView
        }
        #expect(bytes == expected)
    }

    @Test func mandatoryPublishAndEmptyBody() throws {
        let message = AMQPMessage(exchange: "neutron", routingKey: "x", body: [UInt8](), mandatory: true)
        let frames = message.frames(channel: 1, frameMax: 131_072)
        #expect(frames.count == 2)  // no body frame for an empty body
        #expect(try encode(frames[0]) == Fixtures.publishMandatory)
    }

    @Test func headerWithEveryProperty() throws {
        let properties = AMQPProperties(
            contentType: "text/plain", contentEncoding: "utf-8", headers: ["a": .int32(1)], deliveryMode: 1,
            priority: 5, correlationID: "c", replyTo: "r", expiration: "60000", messageID: "m",
            timestamp: 1_700_000_000, type: "t", userID: "guest", appID: "portwatch")
        #expect(
            try encode(.header(channel: 1, AMQPContentHeader(bodySize: 3, properties: properties)))
                == Fixtures.headerAllProperties)
    }

    @Test func heartbeat() throws {
        #expect(try encode(.heartbeat) == Fixtures.heartbeat)
    }

    @Test func ackAndNack() throws {
        #expect(try encode(.method(channel: 1, .basicAck(deliveryTag: 13, multiple: true))) == Fixtures.ackMultiple)
        #expect(
            try encode(.method(channel: 1, .basicNack(deliveryTag: 7, multiple: false, requeue: true)))
                == Fixtures.nackRequeue)
    }

    @Test func shortStringOver255BytesIsRejected() throws {
        let frame = AMQPFrame.method(
            channel: 1,
            .basicPublish(
                exchange: String(repeating: "e", count: 256), routingKey: "", mandatory: false, immediate: false))
        var buffer = ByteBuffer()
        let error = #expect(throws: AMQPError.self) { try AMQPFrameEncoder().encode(data: frame, out: &buffer) }
        #expect(error?.code == .invalidArgument)
    }
}
