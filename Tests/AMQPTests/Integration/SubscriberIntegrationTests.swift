import Foundation
import NIOCore
import Synchronization
import Testing

@testable import AMQP

extension RabbitMQIntegrationTests {
    /// ``AMQPSubscriber`` against the real RabbitMQ: declarations, prefetch, acks, reconnects.
    @Suite struct SubscriberTests {
        final class Received: Sendable {
            let bodies = Mutex<[String]>([])
            let connects = Mutex(0)

            var count: Int { bodies.withLock { $0.count } }
        }

        static func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
            for _ in 0..<3000 {
                if try await condition() { return true }
                try await Task.sleep(for: .milliseconds(20))
            }
            return try await condition()
        }

        @Test func consumesEveryMessageInOrderAndResubscribesAfterItsQueueIsDeleted() async throws {
            let exchange = RabbitMQ.uniqueName("portwatch.test.x")
            let queue = RabbitMQ.uniqueName("portwatch.test.consumer")
            let received = Received()
            let subscriber = AMQPSubscriber(
                configuration: try RabbitMQ.configuration(),
                declarations: [
                    .exchange(name: exchange, type: .topic), .queue(name: queue, durable: true),
                    .binding(queue: queue, exchange: exchange, routingKey: "notifications.info"),
                ],
                queue: queue, prefetch: 8, logger: RabbitMQ.logger,
                onConnect: { received.connects.withLock { $0 += 1 } },
                handle: { delivery in received.bodies.withLock { $0.append(String(buffer: delivery.body)) } })
            let running = Task { try await subscriber.run() }
            defer { running.cancel() }
            #expect(try await Self.eventually { received.connects.withLock { $0 } == 1 })

            let publisher = try await AMQPConnection.connect(
                configuration: try RabbitMQ.configuration(), logger: RabbitMQ.logger)
            let channel = try await publisher.openChannel()
            try await channel.confirmSelect()
            // bodies larger than a frame arrive whole
            let big = String(repeating: "y", count: 300_000)
            try await channel.publish(
                (0..<200).map { AMQPMessage(exchange: exchange, routingKey: "notifications.info", body: "m\($0)") }
                    + [AMQPMessage(exchange: exchange, routingKey: "notifications.info", body: big)])
            #expect(try await Self.eventually { received.count == 201 })
            #expect(received.bodies.withLock { Array($0.prefix(200)) } == (0..<200).map { "m\($0)" })
            #expect(received.bodies.withLock { $0.last } == big)
            // every delivery was acked: nothing waits in the queue
            #expect(try await Self.eventually { try await RabbitMQ.messageCount(queue) == 0 })

            // the queue goes away: the broker cancels the consumer, the subscriber declares it again
            #expect(try await channel.queueDelete(name: queue) == 0)
            #expect(try await Self.eventually { received.connects.withLock { $0 } == 2 })
            try await channel.publish(AMQPMessage(exchange: exchange, routingKey: "notifications.info", body: "after"))
            #expect(try await Self.eventually { received.bodies.withLock { $0.last } == "after" })

            running.cancel()
            _ = await running.result
            try await channel.queueDelete(name: queue)
            try await channel.exchangeDelete(name: exchange)
            try await publisher.close()
        }
    }
}
