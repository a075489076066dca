import Foundation

/// Release-build benchmarks that need no server, and the yardsticks `scripts/bench` sets beside Portwatch.
///
/// - `portwatch-bench correlation [DATABASE] [--ports N] [--export FILE]`: fault → committed ports through
///   the real store (``CorrelationBenchmark``; DATABASE a SQLite path or a `postgres://` URL); `--export`
///   (SQLite) writes the storm's row ranges for the bare-insert yardstick (`Benchmarks/bare-insert`).
/// - `portwatch-bench static-http --port P --file F`: a bare Hummingbird route answering F's bytes
///   (``StaticHTTPBenchmark``), to set beside nginx and Portwatch's GET of one port.
/// - `portwatch-bench nio-http|nio-raw --port P --file F`: SwiftNIO answering F's bytes through its HTTP/1
///   codec, or with no HTTP parsing at all (``NIOHTTPBenchmark``): the floors below Hummingbird.
/// - `portwatch-bench consume --url AMQP-URL (--exchange E --routing-key K | --queue Q)`: the
///   notification consumer of `scripts/bench-notify` (``NotificationConsumer``).
/// - `portwatch-bench publish --url AMQP-URL --exchange E --routing-key K --count N --file BODY`: the
///   broker's own pace for `scripts/bench-notify`'s storm (``BarePublisher``).
///
/// The HTTP benchmarks themselves are `scripts/bench` (wrk against release servers).
@main
struct PortwatchBench {
    static func main() async throws {
        var arguments = Array(CommandLine.arguments.dropFirst())
        guard !arguments.isEmpty else { return usage() }
        let command = arguments.removeFirst()
        var options: [String: String] = [:]
        var positional: [String] = []
        while !arguments.isEmpty {
            let argument = arguments.removeFirst()
            if argument == "--help" || argument == "-h" { return usage() }
            if argument.hasPrefix("-") {
                // An option is `--name value`; anything else with a dash (a lone flag) is not a path.
                guard argument.hasPrefix("--"), !arguments.isEmpty else { return usage() }
                options[String(argument.dropFirst(2))] = arguments.removeFirst()
            } else {
                positional.append(argument)
            }
        }
        switch command {
        case "correlation":
            let path = positional.first ?? NSTemporaryDirectory() + "portwatch-bench-\(UUID().uuidString).sqlite"
            let ports = Int(options["ports"] ?? "") ?? 50_000
            try await CorrelationBenchmark.run(path: path, ports: ports, export: options["export"])
        case "consume":
            guard let url = options["url"] else { return usage() }
            try await NotificationConsumer.run(
                url: url, exchange: options["exchange"], routingKey: options["routing-key"], queue: options["queue"])
        case "publish":
            guard let url = options["url"], let exchange = options["exchange"], let key = options["routing-key"],
                let count = Int(options["count"] ?? ""), let file = options["file"],
                let body = FileManager.default.contents(atPath: file)
            else { return usage() }
            try await BarePublisher.run(url: url, exchange: exchange, routingKey: key, count: count, body: Array(body))
        case "static-http":
            guard let file = options["file"], let port = Int(options["port"] ?? "") else { return usage() }
            try await StaticHTTPBenchmark.run(port: port, file: file)
        case "nio-http", "nio-raw":
            guard let file = options["file"], let port = Int(options["port"] ?? "") else { return usage() }
            try await NIOHTTPBenchmark.run(port: port, file: file, parse: command == "nio-http")
        default:
            usage()
        }
    }

    static func usage() {
        print(
            """
            usage: portwatch-bench correlation [SQLITE-PATH | postgres://URL] [--ports N] [--export FILE]
                   portwatch-bench static-http --port P --file F
                   portwatch-bench nio-http|nio-raw --port P --file F
                   portwatch-bench consume --url AMQP-URL (--exchange E --routing-key K | --queue Q)
                   portwatch-bench publish --url AMQP-URL --exchange E --routing-key K --count N --file BODY
            """)
    }
}
