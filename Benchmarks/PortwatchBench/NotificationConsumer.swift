import AMQP
import Foundation
import Logging
import NIOCore
import PortwatchCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The yardstick consumer of `scripts/bench-notify`, built on Portwatch's own AMQP client so that the
/// consumer is not what bounds the measurement (the Python one drains about 15,000 messages a second).
///
/// Binds an exclusive queue to `exchange` with `routingKey` (or, with `queue`, consumes an existing
/// queue), prints `ready`, then one line per message: `event_type port_id revision_number time`,
/// the time read from `CLOCK_MONOTONIC` when the message arrived (Python's `time.monotonic()`).
/// Messages are timestamped on arrival and parsed once arrivals pause (``quietSpell``): on two cores,
/// parsing while messages flow took CPU from the broker and slowed the delivery being measured.
enum NotificationConsumer {
    static func run(url: String, exchange: String?, routingKey: String?, queue: String?) async throws {
        var logger = Logger(label: "bench-consumer")
        logger.logLevel = .warning
        let connection = try await AMQPConnection.connect(
            configuration: try AMQPConfiguration(url: url), logger: logger)
        let channel = try await connection.openChannel()
        let name: String
        if let queue {
            name = queue
        } else {
            guard let exchange, let routingKey else { throw BenchError("consume needs --exchange and --routing-key") }
            try await channel.exchangeDeclare(name: exchange, type: .topic)
            name = try await channel.queueDeclare(exclusive: true).name
            try await channel.queueBind(queue: name, exchange: exchange, routingKey: routingKey)
        }
        let consumer = try await channel.consume(queue: name, noAck: true)
        let arrived = Arrivals()
        let printer = Task { await printArrivals(arrived) }
        FileHandle.standardOutput.write(Data("ready\n".utf8))
        for try await delivery in consumer {
            let now = monotonicSeconds()
            arrived.pending.withLock {
                $0.messages.append((delivery.body, now))
                $0.last = now
            }
        }
        printer.cancel()
    }

    /// How long arrivals must pause before what arrived is parsed and printed.
    static let quietSpell = 0.1

    /// Parses and prints what arrived, in arrival order, once arrivals pause; until cancelled.
    private static func printArrivals(_ arrived: Arrivals) async {
        while !Task.isCancelled {
            let batch = arrived.pending.withLock { pending -> [(ByteBuffer, Double)] in
                guard monotonicSeconds() - pending.last >= quietSpell else { return [] }
                defer { pending.messages.removeAll(keepingCapacity: true) }
                return pending.messages
            }
            if batch.isEmpty {
                try? await Task.sleep(for: .milliseconds(20))
                continue
            }
            var out = ""
            for (body, time) in batch {
                let (event, port, revision) = describe(body)
                out += "\(event) \(port) \(revision) \(String(format: "%.6f", time))\n"
            }
            FileHandle.standardOutput.write(Data(out.utf8))
        }
    }

    /// `event_type`, the port's id and revision of an oslo `messagingv2` envelope (`-`, 0 when absent).
    static func describe(_ body: ByteBuffer) -> (String, String, Int64) {
        guard let envelope = try? JSONValue.parse(body.readableBytesView).objectValue,
            let text = envelope["oslo.message"]?.stringValue,
            let message = try? JSONValue.parse(Array(text.utf8)).objectValue
        else { return ("-", "-", 0) }
        let port = message["payload"]?.objectValue?["port"]?.objectValue
        var revision: Int64 = 0
        if case .int(let value)? = port?["revision_number"] { revision = value }
        return (message["event_type"]?.stringValue ?? "-", port?["id"]?.stringValue ?? "-", revision)
    }

    static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}

/// Messages timestamped on arrival, waiting to be parsed and printed.
private final class Arrivals: Sendable {
    let pending = Mutex<(messages: [(ByteBuffer, Double)], last: Double)>(([], 0))
}

/// A benchmark's usage error.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
