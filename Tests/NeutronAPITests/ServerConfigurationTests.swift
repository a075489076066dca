import Logging
import PortwatchServer
import Testing

/// Configuration helpers of `portwatch serve`.
struct ServerConfigurationTests {
    @Test(arguments: [
        ("postgres://portwatch:s3cret@db:5432/portwatch", "postgres://portwatch:***@db:5432/portwatch"),
        ("postgres://portwatch@db:5432/portwatch", "postgres://portwatch@db:5432/portwatch"),
        ("sqlite:./portwatch.sqlite", "sqlite:./portwatch.sqlite"),
    ])
    func passwordsAreRedactedForLogs(database: String, logged: String) {
        var configuration = ServerConfiguration()
        configuration.database = database
        #expect(configuration.redactedDatabase == logged)
    }

    @Test func anUnreachableDatabaseFailsTheStart() async throws {
        var configuration = ServerConfiguration()
        configuration.database = "postgres://postgres@127.0.0.1:1/nothing"
        configuration.startupTimeout = .milliseconds(300)
        await #expect(throws: ServerConfigurationError.self) {
            _ = try await PortwatchServer.make(configuration: configuration, logger: .init(label: "test"))
        }
    }
}
