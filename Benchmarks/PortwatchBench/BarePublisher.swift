import AMQP
import Foundation
import Logging
import NIOCore
import Notifications

/// The broker's own pace, the yardstick of `scripts/bench-notify`'s storm: Portwatch's AMQP
/// publisher alone publishing `count` copies of one body to `exchange` with `routingKey`, the way
/// the outbox dispatcher publishes a storm (the AMQP sink's batch size, batches unconfirmed at once and
/// message properties, publisher confirms), with no store and no rendering before it.
///
/// Prints `start T` (`CLOCK_MONOTONIC`, as the consumer's times) when it begins publishing and
/// `confirmed T` when the broker confirmed the last message.
enum BarePublisher {
    static func run(url: String, exchange: String, routingKey: String, count: Int, body: [UInt8]) async throws {
        var logger = Logger(label: "bench-publisher")
        logger.logLevel = .warning
        let publisher = AMQPPublisher(
            configuration: try AMQPConfiguration(url: url),
            declarations: [.exchange(name: exchange, type: .topic)], logger: logger)
        let message = AMQPMessage(
            exchange: exchange, routingKey: routingKey, body: ByteBuffer(bytes: body),
            properties: AMQPNotificationSink.properties)
        // Connect (and declare) before the clock starts: the server's publisher is connected long before a storm.
        try await publisher.publish([message])
        let batchSize = NotificationHub.amqpBatchSize, inFlight = NotificationHub.amqpBatchesInFlight
        print(String(format: "start %.6f", NotificationConsumer.monotonicSeconds()))
        var window: [AMQPConfirmation] = []
        var sent = 0
        while sent < count {
            let batch = Array(repeating: message, count: min(batchSize, count - sent))
            if window.count == inFlight { try await window.removeFirst().confirmed() }
            window.append(try await publisher.startPublishing(batch, after: window.last))
            sent += batch.count
        }
        for confirmation in window { try await confirmation.confirmed() }
        print(String(format: "confirmed %.6f", NotificationConsumer.monotonicSeconds()))
        await publisher.shutdown()
    }
}
