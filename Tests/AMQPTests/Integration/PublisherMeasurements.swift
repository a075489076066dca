import Foundation
import Logging
import Testing

@testable import AMQP

/// Numbers rather than checks; run with `PORTWATCH_TEST_AMQP_MEASURE=1` (and the broker URL).
/// `PORTWATCH_TEST_AMQP_SOAK_SECONDS=N` publishes once every 200 ms for N seconds through
/// `AMQPPublisher.run()`, counting failures, so that the broker can be stopped and restarted meanwhile.
extension RabbitMQIntegrationTests {
    @Suite(.enabled(if: ProcessInfo.processInfo.environment["PORTWATCH_TEST_AMQP_MEASURE"] != nil))
    struct Measurements {
        @Test func confirmedThroughputAndLatency() async throws {
            let connection = try await AMQPConnection.connect(
                configuration: try RabbitMQ.configuration(), logger: RabbitMQ.logger)
            let channel = try await connection.openChannel()
            for declaration in RabbitMQ.neutronDeclarations { try await declaration.declare(on: channel) }
            try await channel.confirmSelect()
            let clock = ContinuousClock()

            let batch = (0..<1000).map { RabbitMQ.notification($0, size: 1024) }
            try await channel.publish(batch)  // warm-up
            var batchTimes: [Duration] = []
            for _ in 0..<5 { batchTimes.append(try await clock.measure { try await channel.publish(batch) }) }

            var latencies: [Duration] = []
            for index in 0..<200 {
                latencies.append(try await clock.measure { try await channel.publish(RabbitMQ.notification(index)) })
            }
            latencies.sort()
            let best = batchTimes.min()!
            print(
                """
                AMQP measurements: 1,000 × 1 KiB confirmed batch: \(batchTimes.map(\.milliseconds)) ms, \
                best \(Int(1000 / best.seconds)) msg/s; single-message confirm round trip over 200: \
                p50 \(latencies[100].milliseconds) ms, p90 \(latencies[180].milliseconds) ms, \
                p99 \(latencies[198].milliseconds) ms, max \(latencies[199].milliseconds) ms
                """)
            try await connection.close()
        }

        @Test(.enabled(if: ProcessInfo.processInfo.environment["PORTWATCH_TEST_AMQP_SOAK_SECONDS"] != nil))
        func soakThroughBrokerRestarts() async throws {
            let seconds = Int(ProcessInfo.processInfo.environment["PORTWATCH_TEST_AMQP_SOAK_SECONDS"]!)!
            var logger = RabbitMQ.logger
            logger.logLevel = .info
            let publisher = AMQPPublisher(
                configuration: try RabbitMQ.configuration(), declarations: RabbitMQ.neutronDeclarations, logger: logger)
            let running = Task { try await publisher.run() }
            var succeeded = 0
            var failed = 0
            var lastSuccess = 0
            let deadline = ContinuousClock.now + .seconds(seconds)
            var index = 0
            while ContinuousClock.now < deadline {
                index += 1
                do {
                    try await publisher.publish([RabbitMQ.notification(index)])
                    succeeded += 1
                    lastSuccess = index
                } catch {
                    failed += 1
                }
                try await Task.sleep(for: .milliseconds(200))
            }
            print(
                "AMQP soak: \(succeeded) confirmed, \(failed) failed, last success at attempt \(lastSuccess)/\(index)")
            #expect(lastSuccess == index)
            running.cancel()
            try await running.value
        }
    }
}

extension Duration {
    fileprivate var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    fileprivate var milliseconds: Double { (seconds * 10_000).rounded() / 10 }
}
