import Foundation
import PortwatchCore
import PortwatchStore
import Testing

@testable import AMQP
@testable import Notifications

/// Against a real RabbitMQ (`PORTWATCH_TEST_AMQP_URL`, e.g. `amqp://guest:guest@127.0.0.1:5673/`), consumed
/// back with py-amqp from the test virtualenv (`PORTWATCH_VENV`, default `/var/tmp/portwatch-venv`).
@Suite(.enabled(if: RabbitMQTestEnvironment.brokerURL != nil && RabbitMQTestEnvironment.python != nil))
struct AMQPSinkIntegrationTests {
    static var brokerURL: String? { RabbitMQTestEnvironment.brokerURL }
    static var python: String? { RabbitMQTestEnvironment.python }

    /// Drains `queue` (basic.get until `count` messages or the timeout) and deletes it; one JSON line per message.
    static let consumer = #"""
        import amqp, json, sys, time
        host, user, password, vhost, queue, count = sys.argv[1:7]
        drain = len(sys.argv) > 7  # everything is queued already: stop at the first empty answer
        conn = amqp.Connection(host, userid=user, password=password, virtual_host=vhost)
        conn.connect()
        ch = conn.channel()
        got, deadline = 0, time.time() + 20
        while got < int(count) and time.time() < deadline:
            msg = ch.basic_get(queue, no_ack=True)
            if msg is None:
                if drain:
                    break
                time.sleep(0.05)
                continue
            got += 1
            props = {k: v for k, v in msg.properties.items()}
            body = msg.body.decode() if isinstance(msg.body, bytes) else msg.body
            print(json.dumps({"exchange": msg.delivery_info["exchange"], "routing_key": msg.delivery_info["routing_key"],
                              "properties": props, "body": body}), flush=True)
        ch.queue_delete(queue)
        conn.close()
        """#

    /// At most `count` messages of the sink's queue (`draining`: the ones queued now, all of them
    /// confirmed before the call), in the broker's order; deletes the queue.
    static func consume(options: AMQPSinkOptions, count: Int, draining: Bool = false) throws -> [[String: Any]] {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("pw-consume-\(UUID().uuidString).py")
        try consumer.write(to: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: script) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python!)
        let broker = options.configuration
        process.arguments =
            [
                script.path, "\(broker.host):\(broker.port)", broker.username, broker.password, broker.virtualHost,
                options.routingKey, String(count),
            ] + (draining ? ["drain"] : [])
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// A sink on a fresh exchange and topic, with its publisher and a dispatcher running on `store`.
    struct Running {
        let sink: AMQPNotificationSink
        let namespace: NotificationNamespace
        let topic: String
        let publisher: Task<Void, any Error>
        let stop = StopSignal()
        let dispatcher: Task<Void, Never>

        init(store: TestStore, batchSize: Int, inFlight: Int = 1) throws {
            topic = "pwtest-\(UUID().uuidString.prefix(8).lowercased())"
            let url = AMQPSinkIntegrationTests.brokerURL! + "?exchange=\(topic)-exchange&topic=\(topic)"
            namespace = NotificationNamespace(repository: store.repository)
            let sink = try AMQPNotificationSink(
                url: url, publisherHost: "itest", namespace: namespace, logger: testLogger)
            self.sink = sink
            publisher = Task { try await sink.publisherService.publisher.run() }
            let dispatcher = OutboxDispatcher(
                sink: sink, repository: store.repository, signal: OutboxSignal(repository: store.repository),
                batchSize: batchSize, inFlight: inFlight,
                backoff: RetryBackoff(initial: .milliseconds(1), maximum: .milliseconds(50)), logger: testLogger)
            let stop = stop
            self.dispatcher = Task { await dispatcher.run(until: stop) }
        }

        /// Stops the dispatcher (its cursor stored) and the publisher.
        func finish() async {
            stop.stop()
            await dispatcher.value
            await sink.publisher.shutdown()
            _ = try? await publisher.value
        }
    }

    @Test func publishesConfirmedOsloMessagesInOrder() async throws {
        let store = try await TestStore.open()
        let running = try Running(store: store, batchSize: 7)
        let (sink, namespace, topic) = (running.sink, running.namespace, running.topic)
        for round in 0..<10 {
            try await store.emit((0..<5).map { ("port.update.end", "port-\($0)", "proj-\(round % 2)") })
        }
        #expect(try await eventually { try await store.repository.backend.cursor(of: sink.name) == 50 })
        await running.finish()

        let messages = try Self.consume(options: sink.options, count: 50)
        #expect(messages.count == 50)
        let formatter = OsloNotificationFormatter(publisherHost: "itest", namespace: try await namespace.uuid())
        for (index, message) in messages.enumerated() {
            #expect(message["exchange"] as? String == "\(topic)-exchange")
            #expect(message["routing_key"] as? String == "\(topic).info")
            let properties = try #require(message["properties"] as? [String: Any])
            #expect(properties["content_type"] as? String == "application/json")
            #expect(properties["content_encoding"] as? String == "utf-8")
            #expect(properties["delivery_mode"] as? Int == 2)
            #expect(properties["priority"] as? Int == 0)
            let body = try #require(message["body"] as? String)
            let envelope = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
            let inner = try #require(
                try JSONSerialization.jsonObject(with: Data((envelope["oslo.message"] as! String).utf8))
                    as? [String: Any])
            #expect(inner["message_id"] as? String == formatter.messageID(sequence: Int64(index + 1)))
            #expect(inner["event_type"] as? String == "port.update.end")
            #expect(inner["publisher_id"] as? String == "network.itest")
        }
        await store.close()
    }
}

extension AMQPSinkIntegrationTests {
    /// Several batches in flight on one channel, the connection cut under them again and again: every
    /// record arrives, and the first delivery of each comes in sequence order (per port, and overall).
    @Test func pipelinedBatchesArriveAtLeastOnceAndInOrderAcrossLostConnections() async throws {
        let store = try await TestStore.open()
        let running = try Running(store: store, batchSize: 20, inFlight: 8)
        let (sink, namespace) = (running.sink, running.namespace)
        let total = 1200
        for round in 0..<(total / 30) {
            try await store.emit((0..<30).map { ("port.update.end", "port-\($0)", "proj-\(round % 2)") })
            if round % 10 == 5 {
                await sink.publisher.activeConnection?.initiateClose()  // whatever is in flight now fails
            }
        }
        #expect(try await eventually { try await store.repository.backend.cursor(of: sink.name) == Int64(total) })
        await running.finish()

        let formatter = OsloNotificationFormatter(publisherHost: "itest", namespace: try await namespace.uuid())
        let sequenceOf = Dictionary(
            uniqueKeysWithValues: (1...total).map { (formatter.messageID(sequence: Int64($0)), $0) })
        var firsts: [Int] = []
        var seen: Set<Int> = []
        // Redelivered duplicates included: everything was confirmed, so the queue holds it all.
        for message in try Self.consume(options: sink.options, count: 3 * total, draining: true) {
            let body = try #require(message["body"] as? String)
            let envelope = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
            let inner = try #require(
                try JSONSerialization.jsonObject(with: Data((envelope["oslo.message"] as! String).utf8))
                    as? [String: Any])
            let messageID = try #require(inner["message_id"] as? String)
            let sequence = try #require(sequenceOf[messageID])
            if seen.insert(sequence).inserted { firsts.append(sequence) }
        }
        #expect(seen.count == total)
        #expect(firsts == firsts.sorted())
        await store.close()
    }
}

/// Where the RabbitMQ tests find their broker and Python.
enum RabbitMQTestEnvironment {
    static let brokerURL = ProcessInfo.processInfo.environment["PORTWATCH_TEST_AMQP_URL"].flatMap {
        $0.isEmpty ? nil : $0
    }
    static let python: String? = {
        let venv = ProcessInfo.processInfo.environment["PORTWATCH_VENV"] ?? "/var/tmp/portwatch-venv"
        let path = venv + "/bin/python"
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }()
}
