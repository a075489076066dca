import Foundation

/// `portwatch-bench correlation [DB]`: release-build benchmarks that need no server.
/// The HTTP benchmarks are `scripts/bench` (wrk against a release `portwatch serve`).
@main
struct PortwatchBench {
    static func main() async throws {
        let arguments = CommandLine.arguments.dropFirst()
        let path = arguments.dropFirst().first ?? NSTemporaryDirectory() + "portwatch-bench-\(UUID().uuidString).sqlite"
        switch arguments.first {
        case "correlation":
            try await CorrelationBenchmark.run(path: path)
        default:
            print("usage: portwatch-bench correlation [DATABASE]")
        }
    }
}
