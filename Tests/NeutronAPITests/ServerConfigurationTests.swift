import FileWatching
import Foundation
import Logging
import OsloPolicy
import PolicyFile
import PortwatchCore
import PortwatchServer
import SourceCredentials
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

    @Test func aSourceCredentialsFileIsInForceAndReloaded() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pw-creds-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("sources.yaml").path
        let first = "alertmanager:\n  - name: am-1\n    bearer: \"sha256:\(String(repeating: "a", count: 64))\"\n"
        try first.write(toFile: path, atomically: true, encoding: .utf8)
        var configuration = ServerConfiguration()
        configuration.database = "sqlite:" + APIHarness.temporaryDatabase()
        configuration.sourceCredentialsFile = path
        configuration.sourceCredentials = try SourceCredentialsFile(path: path, knownSources: ["alertmanager"]).load()
        let server = try await PortwatchServer.make(configuration: configuration, logger: .init(label: "test"))
        #expect(server.sources?.credentials.map(\.name) == ["am-1"])
        let watcher = try #require(server.services().compactMap { $0 as? FileWatcher }.first)
        #expect(watcher.path == path)
        #expect(watcher.kind == "source credentials")

        // A rotation: a second credential is added, then the first removed.
        try (first + "  - name: am-2\n    bearer: \"sha256:\(String(repeating: "b", count: 64))\"\n").write(
            toFile: path, atomically: true, encoding: .utf8)
        #expect(watcher.reload(reason: "SIGHUP"))
        #expect(server.sources?.credentials.map(\.name) == ["am-1", "am-2"])
        // A broken edit keeps what is in force.
        try "alertmanager:\n  - name: am-2\n    bearer: in-clear\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(!watcher.reload(reason: "SIGHUP"))
        #expect((watcher.lastError as? SourceCredentialsError)?.line == 3)
        #expect(server.sources?.credentials.map(\.name) == ["am-1", "am-2"])

        configuration.sourceCredentialsFile = nil
        configuration.database = "sqlite:" + APIHarness.temporaryDatabase()
        let without = try await PortwatchServer.make(configuration: configuration, logger: .init(label: "test"))
        #expect(without.sources == nil)
        #expect(!without.services().contains { $0 is FileWatcher })
    }
}
