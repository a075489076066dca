import Foundation
import Logging
import OsloPolicy
import PolicyFile
import PortwatchCore
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

    @Test func aPolicyFileIsInForceAndWatched() async throws {
        var configuration = ServerConfiguration()
        configuration.database = "sqlite:" + APIHarness.temporaryDatabase()
        configuration.policyFile = "/etc/portwatch/policy.yaml"
        configuration.policyRules = try PolicyRules(overrides: [("update_port:data_plane_status", "role:custom", 1)])
        let server = try await PortwatchServer.make(configuration: configuration, logger: .init(label: "test"))
        #expect(server.policy.rules.ruleText("update_port:data_plane_status") == "role:custom")
        let watchers = server.services().compactMap { $0 as? PolicyFileWatcher }
        #expect(watchers.map(\.file.path) == ["/etc/portwatch/policy.yaml"])

        configuration.policyFile = nil
        configuration.database = "sqlite:" + APIHarness.temporaryDatabase()
        let unwatched = try await PortwatchServer.make(configuration: configuration, logger: .init(label: "test"))
        #expect(!unwatched.services().contains { $0 is PolicyFileWatcher })
    }
}
