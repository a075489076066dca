import Foundation
import Logging

@testable import AMQP

/// The real broker the integration tests use: `PORTWATCH_TEST_AMQP_URL`, e.g.
/// `amqp://guest:guest@127.0.0.1:5673/`. Without it those tests are skipped.
enum RabbitMQ {
    static let url = ProcessInfo.processInfo.environment["PORTWATCH_TEST_AMQP_URL"]
    static let isAvailable = url != nil

    static func configuration(query: String = "") throws -> AMQPConfiguration {
        try AMQPConfiguration(url: (url ?? "amqp://localhost/") + query)
    }

    static var logger: Logger {
        var logger = Logger(label: "amqp-tests")
        logger.logLevel =
            ProcessInfo.processInfo.environment["PORTWATCH_TEST_AMQP_LOG"] != nil ? .debug : .critical
        return logger
    }

    /// A name no other test run uses.
    static func uniqueName(_ prefix: String) -> String {
        "\(prefix).\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Messages waiting in `queue`, read with a passive `queue.declare` on a fresh connection.
    static func messageCount(_ queue: String) async throws -> UInt32 {
        let connection = try await AMQPConnection.connect(
            configuration: try configuration(), logger: logger)
        defer { connection.initiateClose() }
        let channel = try await connection.openChannel()
        return try await channel.queueDeclare(name: queue, passive: true).messageCount
    }

    static func notification(_ index: Int, size: Int = 1024, exchange: String = "neutron")
        -> AMQPMessage
    {
        let prefix = #"{"oslo.version": "2.0", "oslo.message": "{\"index\": \#(index)}", "pad": ""#
        let body = prefix + String(repeating: "x", count: max(0, size - prefix.utf8.count - 2)) + #""}"#
        return AMQPMessage(
            exchange: exchange, routingKey: "notifications.info", body: body,
            properties: AMQPProperties(
                contentType: "application/json", contentEncoding: "utf-8", deliveryMode: 2))
    }

    /// A publisher to the `neutron` exchange that also declares `probe`, a queue bound to it, to
    /// read back what it published.
    static func publisher(probe: String) throws -> AMQPPublisher {
        AMQPPublisher(
            configuration: try configuration(),
            declarations: neutronDeclarations + [
                .queue(name: probe),
                .binding(queue: probe, exchange: "neutron", routingKey: "notifications.info"),
            ],
            logger: logger)
    }

    static let neutronDeclarations: [AMQPDeclaration] = [
        .exchange(name: "neutron", type: .topic),
        .queue(name: "notifications.info"),
        .binding(queue: "notifications.info", exchange: "neutron", routingKey: "notifications.info"),
    ]
}
