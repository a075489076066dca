import NIOCore
import NIOEmbedded
import Testing

@testable import AMQP

struct ConnectionHandlerTests {
    @Test func handshakeWritesTheExpectedBytes() throws {
        let broker = try ScriptedBroker()
        #expect(try broker.writtenBytes() == AMQPFrame.protocolHeaderBytes)
        try broker.channel.writeInbound(ByteBuffer(bytes: Fixtures.connectionStartFromRabbitMQ))
        #expect(try broker.writtenBytes() == Fixtures.startOk)
        try broker.send(.method(channel: 0, .connectionTune(channelMax: 2047, frameMax: 131_072, heartbeat: 60)))
        #expect(try broker.writtenBytes() == Fixtures.tuneOk + Fixtures.open)
        #expect(outcome(broker.ready.futureResult) == nil)
        try broker.send(.method(channel: 0, .connectionOpenOk))
        #expect(outcome(broker.ready.futureResult)?.succeeded == true)
    }

    @Test func tuningTakesTheSmallerNonZeroValues() throws {
        let broker = try ScriptedBroker(
            configuration: AMQPConfiguration(heartbeat: 30, frameMax: 65_536, channelMax: 0))
        try broker.send(
            .method(
                channel: 0,
                .connectionStart(
                    versionMajor: 0, versionMinor: 9, serverProperties: [:], mechanisms: "PLAIN", locales: "en_US")),
            .method(channel: 0, .connectionTune(channelMax: 2047, frameMax: 131_072, heartbeat: 0)))
        let frames = try broker.writtenFrames()
        #expect(
            frames.contains(.method(channel: 0, .connectionTuneOk(channelMax: 2047, frameMax: 65_536, heartbeat: 30))))
    }

    @Test func refusedCredentialsFailTheHandshake() throws {
        let broker = try ScriptedBroker()
        try broker.send(
            .method(
                channel: 0,
                .connectionStart(
                    versionMajor: 0, versionMinor: 9, serverProperties: [:], mechanisms: "PLAIN", locales: "en_US")),
            .method(channel: 0, .connectionClose(AMQPCloseReply(replyCode: 403, replyText: "ACCESS_REFUSED"))))
        #expect(outcome(broker.ready.futureResult)?.amqpError?.code == .authenticationFailed)
        #expect(outcome(broker.ready.futureResult)?.amqpError?.reply?.replyCode == 403)
    }

    @Test func multipleAckSettlesEveryEarlierTag() throws {
        let broker = try ScriptedBroker()
        try broker.openConfirmChannel()
        let messages = (0..<3).map { AMQPMessage(exchange: "neutron", routingKey: "k", body: "\($0)") }
        let first = broker.command { AMQPCommand.publish(channel: 1, messages, $0) }
        let second = broker.command { AMQPCommand.publish(channel: 1, [messages[0]], $0) }
        #expect(try broker.writtenFrames().count == 4 * 3)
        try broker.send(.method(channel: 1, .basicAck(deliveryTag: 2, multiple: true)))
        #expect(outcome(first) == nil)
        try broker.send(.method(channel: 1, .basicAck(deliveryTag: 4, multiple: false)))
        #expect(outcome(first) == nil)
        #expect(outcome(second)?.succeeded == true)
        try broker.send(.method(channel: 1, .basicAck(deliveryTag: 3, multiple: false)))
        #expect(outcome(first)?.succeeded == true)
    }

    @Test func nackFailsThePublish() throws {
        let broker = try ScriptedBroker()
        try broker.openConfirmChannel()
        let publish = broker.command {
            AMQPCommand.publish(channel: 1, [AMQPMessage(exchange: "", routingKey: "q", body: "x")], $0)
        }
        try broker.send(.method(channel: 1, .basicNack(deliveryTag: 1, multiple: false, requeue: false)))
        #expect(outcome(publish)?.amqpError?.code == .nack)
    }

    @Test func blockedConnectionHoldsPublishesUntilUnblocked() throws {
        let broker = try ScriptedBroker()
        try broker.openConfirmChannel()
        try broker.send(.method(channel: 0, .connectionBlocked(reason: "low on memory")))
        let publish = broker.command {
            AMQPCommand.publish(channel: 1, [AMQPMessage(exchange: "", routingKey: "q", body: "x")], $0)
        }
        #expect(try broker.writtenBytes().isEmpty)
        try broker.send(.method(channel: 0, .connectionUnblocked))
        #expect(try broker.writtenFrames().count == 3)
        try broker.send(.method(channel: 1, .basicAck(deliveryTag: 1, multiple: false)))
        #expect(outcome(publish)?.succeeded == true)
    }

    @Test func serverConnectionCloseIsAnsweredAndFailsPendingConfirms() throws {
        let broker = try ScriptedBroker()
        try broker.openConfirmChannel()
        let publish = broker.command {
            AMQPCommand.publish(channel: 1, [AMQPMessage(exchange: "", routingKey: "q", body: "x")], $0)
        }
        _ = try broker.writtenBytes()
        try broker.send(
            .method(channel: 0, .connectionClose(AMQPCloseReply(replyCode: 320, replyText: "CONNECTION_FORCED"))))
        #expect(try broker.writtenFrames() == [.method(channel: 0, .connectionCloseOk)])
        #expect(!broker.channel.isActive)
        let error = outcome(publish)?.amqpError
        #expect(error?.code == .connectionClosed)
        #expect(error?.reply == AMQPCloseReply(replyCode: 320, replyText: "CONNECTION_FORCED"))
        #expect(outcome(broker.closed.futureResult)?.amqpError?.code == .connectionClosed)
    }

    @Test func serverChannelCloseIsAnsweredAndFailsTheCall() throws {
        let broker = try ScriptedBroker()
        try broker.openConfirmChannel()
        let declare = broker.command {
            AMQPCommand.call(
                channel: 1,
                .exchangeDeclare(
                    exchange: "neutron", type: "topic", passive: false, durable: true, autoDelete: false,
                    internal: false, noWait: false, arguments: [:]),
                $0)
        }
        _ = try broker.writtenBytes()
        try broker.channel.writeInbound(ByteBuffer(bytes: Fixtures.channelClose406))
        #expect(try broker.writtenFrames() == [.method(channel: 1, .channelCloseOk)])
        #expect(outcome(declare)?.amqpError?.code == .channelClosed)
        #expect(outcome(declare)?.amqpError?.reply?.replyCode == 406)
        #expect(broker.channel.isActive)
    }

    @Test func clientCloseWaitsForCloseOk() throws {
        let broker = try ScriptedBroker()
        try broker.openConfirmChannel()
        let close = broker.command { AMQPCommand.close($0) }
        #expect(try broker.writtenBytes() == Fixtures.connectionClose)
        #expect(broker.channel.isActive)
        try broker.send(.method(channel: 0, .connectionCloseOk))
        #expect(!broker.channel.isActive)
        #expect(outcome(close)?.succeeded == true)
        #expect(outcome(broker.closed.futureResult)?.succeeded == true)
    }

    @Test func heartbeatsAreSentWhenIdleAndMissingOnesCloseTheConnection() throws {
        let broker = try ScriptedBroker()
        try broker.openConfirmChannel()
        broker.channel.embeddedEventLoop.advanceTime(by: .seconds(30))
        #expect(try broker.writtenFrames() == [.heartbeat])
        try broker.send(.heartbeat)
        broker.channel.embeddedEventLoop.advanceTime(by: .seconds(90))
        #expect(broker.channel.isActive)  // 90 s of silence: still within two intervals
        // Checked every 30 s: at 150 s the silence is exactly 120 s, at 180 s it is over.
        broker.channel.embeddedEventLoop.advanceTime(by: .seconds(30))
        #expect(broker.channel.isActive)
        broker.channel.embeddedEventLoop.advanceTime(by: .seconds(30))
        #expect(!broker.channel.isActive)
        #expect(outcome(broker.closed.futureResult)?.amqpError?.code == .missedHeartbeats)
    }

    @Test func returnedMandatoryMessageFailsItsPublish() throws {
        let broker = try ScriptedBroker()
        try broker.openConfirmChannel()
        let message = AMQPMessage(exchange: "neutron", routingKey: "nowhere", body: "abc", mandatory: true)
        let publish = broker.command { AMQPCommand.publish(channel: 1, [message], $0) }
        try broker.send(
            .method(
                channel: 1,
                .basicReturn(replyCode: 312, replyText: "NO_ROUTE", exchange: "neutron", routingKey: "nowhere")),
            .header(channel: 1, AMQPContentHeader(bodySize: 3, properties: AMQPProperties())),
            .body(channel: 1, ByteBuffer(string: "abc")),
            .method(channel: 1, .basicAck(deliveryTag: 1, multiple: false)))
        #expect(outcome(publish)?.amqpError?.code == .returned)
        #expect(outcome(publish)?.amqpError?.reply?.replyCode == 312)
    }

    @Test func commandsBeforeOpenFail() throws {
        let broker = try ScriptedBroker()
        let open = broker.command { AMQPCommand.openChannel($0) }
        #expect(outcome(open)?.amqpError?.code == .notConnected)
    }
}
