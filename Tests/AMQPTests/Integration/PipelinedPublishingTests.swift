import Foundation
import NIOCore
import Testing

@testable import AMQP

extension RabbitMQIntegrationTests {
    /// `startPublishing(_:after:)`: batches in flight together arrive in the order they were started,
    /// and a batch never goes out behind one whose channel is gone.
    @Suite struct PipelinedPublishingTests {
        @Test func batchesInFlightTogetherArriveInOrder() async throws {
            let probe = RabbitMQ.uniqueName("portwatch.test.pipelined")
            let publisher = try RabbitMQ.publisher(probe: probe)
            // 40 batches of 50, all started before the first confirmation is awaited.
            var confirmations: [AMQPConfirmation] = []
            for batch in 0..<40 {
                let messages = (0..<50).map { RabbitMQ.notification(batch * 50 + $0, size: 256) }
                confirmations.append(try await publisher.startPublishing(messages, after: confirmations.last))
            }
            for confirmation in confirmations { try await confirmation.confirmed() }
            #expect(try await RabbitMQ.messageCount(probe) == 2000)
            #expect(try await Self.indices(in: probe, count: 2000) == Array(0..<2000))
            await publisher.shutdown()
        }

        @Test func aBatchBehindALostChannelIsRefusedNotRepublishedElsewhere() async throws {
            let probe = RabbitMQ.uniqueName("portwatch.test.pipelined")
            let publisher = try RabbitMQ.publisher(probe: probe)
            let first = try await publisher.startPublishing([RabbitMQ.notification(0)], after: nil)
            try await first.confirmed()
            let connection = try #require(await publisher.activeConnection)
            try await connection.channel.close()
            // The batch it would follow was on the lost connection: no new connection for this one.
            let error = await #expect(throws: AMQPError.self) {
                _ = try await publisher.startPublishing([RabbitMQ.notification(1)], after: first)
            }
            #expect(error?.code == .connectionLost)
            #expect(await publisher.activeConnection === connection)
            // Starting over (nothing in flight) connects again.
            let again = try await publisher.startPublishing([RabbitMQ.notification(1)], after: nil)
            try await again.confirmed()
            #expect(try await Self.indices(in: probe, count: 2) == [0, 1])
            await publisher.shutdown()
        }

        /// The `index` of the first `count` messages of `queue`, in the order the broker delivers them;
        /// deletes the queue.
        static func indices(in queue: String, count: Int) async throws -> [Int] {
            let connection = try await AMQPConnection.connect(
                configuration: try RabbitMQ.configuration(), logger: RabbitMQ.logger)
            let channel = try await connection.openChannel()
            var indices: [Int] = []
            for try await delivery in try await channel.consume(queue: queue, noAck: true) {
                let body = String(buffer: delivery.body)
                let start = try #require(body.range(of: #"\"index\": "#)?.upperBound)
                indices.append(try #require(Int(body[start...].prefix { $0.isNumber })))
                if indices.count == count { break }
            }
            try await channel.queueDelete(name: queue)
            try await connection.close()
            return indices
        }
    }
}
