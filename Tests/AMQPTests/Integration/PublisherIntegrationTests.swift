import Foundation
import NIOCore
import Testing

@testable import AMQP

extension RabbitMQIntegrationTests {
    @Suite struct PublisherTests {
        @Test func publishesLazilyAndSurvivesADroppedConnection() async throws {
            let probe = RabbitMQ.uniqueName("portwatch.test.probe")
            let publisher = AMQPPublisher(
                configuration: try RabbitMQ.configuration(),
                declarations: RabbitMQ.neutronDeclarations + [
                    .queue(name: probe),
                    .binding(queue: probe, exchange: "neutron", routingKey: "notifications.info"),
                ],
                logger: RabbitMQ.logger)
            let running = Task { try await publisher.run() }

            try await publisher.publish((0..<10).map { RabbitMQ.notification($0) })
            #expect(try await RabbitMQ.messageCount(probe) == 10)

            // Break the TCP connection under the publisher: in-flight work fails, then it reconnects.
            let first = try #require(await publisher.activeConnection)
            try await first.channel.close()
            try await waitUntil {
                await publisher.activeConnection.map { $0 !== first && $0.isOpen } ?? false
            }
            try await publisher.publish((10..<20).map { RabbitMQ.notification($0) })
            #expect(try await RabbitMQ.messageCount(probe) == 20)

            // publish() alone also recovers, without waiting for run()'s loop.
            let second = try #require(await publisher.activeConnection)
            try await second.channel.close()
            try await publisher.publish([RabbitMQ.notification(20)])
            #expect(try await RabbitMQ.messageCount(probe) == 21)

            running.cancel()
            try await running.value
            #expect(await publisher.activeConnection == nil)
            let deleteConnection = try await AMQPConnection.connect(
                configuration: try RabbitMQ.configuration(), logger: RabbitMQ.logger)
            try await deleteConnection.openChannel().queueDelete(name: probe)
            try await deleteConnection.close()
        }

        @Test func exchangeWithOtherDurabilityIsUsedAsItIs() async throws {
            let exchange = RabbitMQ.uniqueName("portwatch.test.durable")
            let queue = RabbitMQ.uniqueName("portwatch.test.q")
            let setup = try await AMQPConnection.connect(
                configuration: try RabbitMQ.configuration(), logger: RabbitMQ.logger)
            let channel = try await setup.openChannel()
            try await channel.exchangeDeclare(name: exchange, type: .topic, durable: true)

            let publisher = AMQPPublisher(
                configuration: try RabbitMQ.configuration(),
                declarations: [
                    .exchange(name: exchange, type: .topic, durable: false),  // 406 from the broker
                    .queue(name: queue),
                    .binding(queue: queue, exchange: exchange, routingKey: "notifications.info"),
                ],
                logger: RabbitMQ.logger)
            try await publisher.publish([RabbitMQ.notification(1, exchange: exchange)])
            #expect(try await RabbitMQ.messageCount(queue) == 1)
            await publisher.shutdown()
            let error = await #expect(throws: AMQPError.self) {
                try await publisher.publish([RabbitMQ.notification(2)])
            }
            #expect(error?.code == .shutdown)

            try await channel.queueDelete(name: queue)
            try await channel.exchangeDelete(name: exchange)
            try await setup.close()
        }

        @Test func publishToMissingExchangeThrowsAndPublisherRecovers() async throws {
            let publisher = AMQPPublisher(
                configuration: try RabbitMQ.configuration(), declarations: RabbitMQ.neutronDeclarations,
                logger: RabbitMQ.logger)
            let error = await #expect(throws: AMQPError.self) {
                try await publisher.publish([
                    RabbitMQ.notification(0, exchange: RabbitMQ.uniqueName("portwatch.test.none"))
                ])
            }
            #expect(error?.code == .channelClosed)
            #expect(error?.reply?.replyCode == 404)
            try await publisher.publish([RabbitMQ.notification(1)])
            await publisher.shutdown()
        }

        @Test func runReturnsOnShutdown() async throws {
            let publisher = AMQPPublisher(
                configuration: try RabbitMQ.configuration(), declarations: RabbitMQ.neutronDeclarations,
                logger: RabbitMQ.logger)
            let running = Task { try await publisher.run() }
            try await waitUntil { await publisher.activeConnection?.isOpen ?? false }
            await publisher.shutdown()
            try await running.value
        }

        @Test func runKeepsRetryingWhileTheBrokerIsUnreachable() async throws {
            var configuration = try RabbitMQ.configuration()
            configuration.port = 1
            let publisher = AMQPPublisher(
                configuration: configuration, declarations: [], logger: RabbitMQ.logger)
            let running = Task { try await publisher.run() }
            try await Task.sleep(for: .milliseconds(500))
            let error = await #expect(throws: AMQPError.self) {
                try await publisher.publish([RabbitMQ.notification(0)])
            }
            #expect(error?.code == .connectionLost)
            running.cancel()
            try await running.value
        }
    }
}

/// Polls `condition` every 50 ms for up to 10 s.
func waitUntil(_ condition: () async -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(10)
    while !(await condition()) {
        guard ContinuousClock.now < deadline else {
            Issue.record("condition not met within 10 s")
            return
        }
        try await Task.sleep(for: .milliseconds(50))
    }
}
