import NIOCore
import NIOEmbedded
import Testing

@testable import AMQP

/// The consumer side: `basic.qos`, `basic.consume`, deliveries assembled from their content frames,
/// `basic.ack`, cancellation. Byte fixtures were produced independently with py-amqp 5.4.2's
/// `amqp.serialization.dumps` and `amqp.spec` (method ids and argument formats).
struct ConsumerTests {
    enum ConsumerFixtures {
        static let qos = Fixtures.bytes("0100010000000b003c000a00000000004000ce")
        static let qosOk = Fixtures.bytes("01000100000004003c000bce")
        static let consume = Fixtures.bytes(
            "0100010000001d003c0014000010706f727477617463682d627269646765000000000000ce")
        static let consumeOk = Fixtures.bytes("0100010000000f003c00150a616d712e637461672d31ce")
        static let deliver = Fixtures.bytes(
            "01000100000033003c003c0a616d712e637461672d31000000000000000701076e657574726f6e126e6f74696669636174"
                + "696f6e732e696e666fce")
        static let ack = Fixtures.bytes("0100010000000d003c0050000000000000000700ce")
        static let cancel = Fixtures.bytes("01000100000010003c001e0a616d712e637461672d3101ce")
        static let cancelOk = Fixtures.bytes("0100010000000f003c001f0a616d712e637461672d31ce")
    }

    private func encode(_ frame: AMQPFrame) throws -> [UInt8] {
        var buffer = ByteBuffer()
        try AMQPFrameEncoder().encode(data: frame, out: &buffer)
        return Array(buffer.readableBytesView)
    }

    private func decode(_ bytes: [UInt8]) throws -> AMQPFrame? {
        var buffer = ByteBuffer(bytes: bytes)
        return try AMQPFrameDecoder().decodeFrame(from: &buffer)
    }

    @Test func clientMethodsEncodeByteForByte() throws {
        #expect(
            try encode(.method(channel: 1, .basicQos(prefetchSize: 0, prefetchCount: 64, global: false)))
                == ConsumerFixtures.qos)
        #expect(
            try encode(
                .method(
                    channel: 1,
                    .basicConsume(
                        queue: "portwatch-bridge", consumerTag: "", noLocal: false, noAck: false, exclusive: false,
                        noWait: false, arguments: [:]))) == ConsumerFixtures.consume)
        #expect(try encode(.method(channel: 1, .basicAck(deliveryTag: 7, multiple: false))) == ConsumerFixtures.ack)
    }

    @Test func brokerMethodsDecode() throws {
        #expect(try decode(ConsumerFixtures.qosOk) == .method(channel: 1, .basicQosOk))
        #expect(
            try decode(ConsumerFixtures.consumeOk) == .method(channel: 1, .basicConsumeOk(consumerTag: "amq.ctag-1")))
        #expect(
            try decode(ConsumerFixtures.deliver)
                == .method(
                    channel: 1,
                    .basicDeliver(
                        consumerTag: "amq.ctag-1", deliveryTag: 7, redelivered: true, exchange: "neutron",
                        routingKey: "notifications.info")))
        #expect(
            try decode(ConsumerFixtures.cancel)
                == .method(channel: 1, .basicCancel(consumerTag: "amq.ctag-1", noWait: true)))
        #expect(try decode(ConsumerFixtures.cancelOk) == .method(channel: 1, .basicCancelOk(consumerTag: "amq.ctag-1")))
    }

    @Test func everyConsumerMethodRoundTrips() throws {
        for fixture in [
            ConsumerFixtures.qos, ConsumerFixtures.qosOk, ConsumerFixtures.consume, ConsumerFixtures.consumeOk,
            ConsumerFixtures.deliver, ConsumerFixtures.ack, ConsumerFixtures.cancel, ConsumerFixtures.cancelOk,
        ] {
            let frame = try #require(try decode(fixture))
            #expect(try encode(frame) == fixture)
        }
    }

    /// A consumer on an open channel, as `AMQPChannel.consume` starts it.
    private func consumer(_ broker: ScriptedBroker) throws -> (
        AsyncThrowingStream<AMQPDelivery, any Error>, EventLoopFuture<AMQPMethod>
    ) {
        try broker.openConfirmChannel()
        let (deliveries, continuation) = AsyncThrowingStream.makeStream(of: AMQPDelivery.self)
        let method = AMQPMethod.basicConsume(
            queue: "portwatch-bridge", consumerTag: "", noLocal: false, noAck: false, exclusive: false, noWait: false,
            arguments: [:])
        let started = broker.command { AMQPCommand.consume(channel: 1, method, continuation, $0) }
        #expect(try broker.writtenBytes() == ConsumerFixtures.consume)
        try broker.channel.writeInbound(ByteBuffer(bytes: ConsumerFixtures.consumeOk))
        return (deliveries, started)
    }

    @Test func deliveriesAreAssembledFromTheirFramesAndAcked() async throws {
        let broker = try ScriptedBroker()
        let (deliveries, started) = try consumer(broker)
        #expect(try started.wait() == .basicConsumeOk(consumerTag: "amq.ctag-1"))
        // a 5-byte body in two body frames, the method and header split across reads
        let header = try encode(
            .header(
                channel: 1, AMQPContentHeader(bodySize: 5, properties: AMQPProperties(contentType: "application/json")))
        )
        let bodies =
            try encode(.body(channel: 1, ByteBuffer(string: "{\"a\"")))
            + encode(.body(channel: 1, ByteBuffer(string: "}")))
        let stream = ConsumerFixtures.deliver + header + bodies
        try broker.channel.writeInbound(ByteBuffer(bytes: stream.prefix(30)))
        try broker.channel.writeInbound(ByteBuffer(bytes: stream.dropFirst(30)))
        // a second, empty message: complete with its header alone
        try broker.send(
            .method(
                channel: 1,
                .basicDeliver(
                    consumerTag: "amq.ctag-1", deliveryTag: 8, redelivered: false, exchange: "neutron", routingKey: "k")
            ),
            .header(channel: 1, AMQPContentHeader(bodySize: 0, properties: AMQPProperties())))
        var iterator = deliveries.makeAsyncIterator()
        let first = try #require(try await iterator.next())
        #expect(first.deliveryTag == 7 && first.redelivered && first.routingKey == "notifications.info")
        #expect(String(buffer: first.body) == "{\"a\"}")
        #expect(first.properties.contentType == "application/json")
        let second = try #require(try await iterator.next())
        #expect(second.deliveryTag == 8 && second.body.readableBytes == 0)
        let ack = broker.command { AMQPCommand.send(channel: 1, .basicAck(deliveryTag: 7, multiple: false), $0) }
        #expect(try broker.writtenBytes() == ConsumerFixtures.ack)
        #expect(outcome(ack)?.succeeded == true)
        // the broker cancels the consumer (its queue was deleted): the sequence ends
        try broker.channel.writeInbound(ByteBuffer(bytes: ConsumerFixtures.cancel))
        #expect(try await iterator.next() == nil)
    }

    @Test func aClosedChannelEndsTheConsumerWithItsError() async throws {
        let broker = try ScriptedBroker()
        let (deliveries, started) = try consumer(broker)
        _ = try started.wait()
        try broker.send(.method(channel: 1, .channelClose(AMQPCloseReply(replyCode: 404, replyText: "NOT_FOUND"))))
        var iterator = deliveries.makeAsyncIterator()
        let error = await #expect(throws: AMQPError.self) { _ = try await iterator.next() }
        #expect(error?.code == .channelClosed)
        #expect(error?.reply?.replyCode == 404)
    }
}
