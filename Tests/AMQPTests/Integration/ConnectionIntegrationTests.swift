import Foundation
import Testing

@testable import AMQP

extension RabbitMQIntegrationTests {
    @Suite struct ConnectionTests {
        @Test func publishOneAndThousandConfirmedMessages() async throws {
            let connection = try await AMQPConnection.connect(
                configuration: try RabbitMQ.configuration(), logger: RabbitMQ.logger)
            let channel = try await connection.openChannel()
            try await channel.exchangeDeclare(name: "neutron", type: .topic, durable: false)
            try await channel.queueDeclare(name: "notifications.info")
            try await channel.queueBind(
                queue: "notifications.info", exchange: "neutron", routingKey: "notifications.info")
            // A second queue of the test's own, bound the same way, to count what arrived.
            let probe = RabbitMQ.uniqueName("portwatch.test.probe")
            try await channel.queueDeclare(name: probe, autoDelete: false)
            try await channel.queueBind(
                queue: probe, exchange: "neutron", routingKey: "notifications.info")
            let before = try await channel.queueDeclare(name: "notifications.info", passive: true)
                .messageCount
            try await channel.confirmSelect()

            try await channel.publish(RabbitMQ.notification(0))
            #expect(try await RabbitMQ.messageCount(probe) == 1)

            try await channel.publish((1...1000).map { RabbitMQ.notification($0) })
            #expect(try await RabbitMQ.messageCount(probe) == 1001)
            #expect(try await RabbitMQ.messageCount("notifications.info") == before + 1001)

            #expect(try await channel.queueDelete(name: probe) == 1001)
            try await connection.close()
            try await connection.closed()
            #expect(!connection.isOpen)
        }

        @Test func largeBodySpansSeveralFrames() async throws {
            let connection = try await AMQPConnection.connect(
                configuration: try RabbitMQ.configuration(query: "?frame_max=4096"), logger: RabbitMQ.logger
            )
            let channel = try await connection.openChannel()
            let queue = RabbitMQ.uniqueName("portwatch.test.large")
            try await channel.queueDeclare(name: queue, exclusive: true)
            try await channel.confirmSelect()
            try await channel.publish(
                AMQPMessage(exchange: "", routingKey: queue, body: [UInt8](repeating: 7, count: 100_000)))
            #expect(try await channel.queueDeclare(name: queue, passive: true).messageCount == 1)
            try await connection.close()
        }

        @Test func serverChannelCloseSurfacesReplyAndConnectionSurvives() async throws {
            let connection = try await AMQPConnection.connect(
                configuration: try RabbitMQ.configuration(), logger: RabbitMQ.logger)
            let channel = try await connection.openChannel()
            let error = await #expect(throws: AMQPError.self) {
                try await channel.queueDeclare(
                    name: RabbitMQ.uniqueName("portwatch.test.missing"), passive: true)
            }
            #expect(error?.code == .channelClosed)
            #expect(error?.reply?.replyCode == 404)
            #expect(error?.reply?.replyText.hasPrefix("NOT_FOUND") == true)
            // The channel is gone, the connection is not.
            let gone = await #expect(throws: AMQPError.self) { try await channel.confirmSelect() }
            #expect(gone?.code == .notConnected)
            let second = try await connection.openChannel()
            try await second.exchangeDeclare(name: "neutron", type: .topic)
            try await connection.close()
        }

        @Test func unroutableMandatoryMessageIsReturned() async throws {
            let connection = try await AMQPConnection.connect(
                configuration: try RabbitMQ.configuration(), logger: RabbitMQ.logger)
            let channel = try await connection.openChannel()
            try await channel.exchangeDeclare(name: "neutron", type: .topic)
            try await channel.confirmSelect()
            let unroutable = AMQPMessage(
                exchange: "neutron", routingKey: "nobody.listens", body: "x", mandatory: true)
            let error = await #expect(throws: AMQPError.self) { try await channel.publish(unroutable) }
            #expect(error?.code == .returned)
            #expect(error?.reply?.replyCode == 312)
            // Without mandatory the same message is simply confirmed (and dropped by the broker).
            try await channel.publish(
                AMQPMessage(exchange: "neutron", routingKey: "nobody.listens", body: "x"))
            try await connection.close()
        }

        @Test func heartbeatsKeepAnIdleConnectionOpen() async throws {
            let connection = try await AMQPConnection.connect(
                configuration: try RabbitMQ.configuration(query: "?heartbeat=1"), logger: RabbitMQ.logger)
            let channel = try await connection.openChannel()
            try await Task.sleep(for: .seconds(4))
            #expect(connection.isOpen)
            try await channel.exchangeDeclare(name: "neutron", type: .topic)
            try await connection.close()
        }

        @Test func wrongPasswordIsAnAuthenticationError() async throws {
            var configuration = try RabbitMQ.configuration()
            configuration.password = "definitely-wrong"
            let error = await #expect(throws: AMQPError.self) {
                try await AMQPConnection.connect(configuration: configuration, logger: RabbitMQ.logger)
            }
            #expect(error?.code == .authenticationFailed)
        }

        @Test func unreachableBrokerFailsFast() async throws {
            var configuration = try RabbitMQ.configuration()
            configuration.port = 1
            let error = await #expect(throws: AMQPError.self) {
                try await AMQPConnection.connect(configuration: configuration, logger: RabbitMQ.logger)
            }
            #expect(error?.code == .connectionLost)
        }
    }
}
