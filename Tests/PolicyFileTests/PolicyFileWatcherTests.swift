import Foundation
import Logging
import OsloPolicy
@testable import PolicyFile
import PortwatchCore
import Testing

struct PolicyFileWatcherTests {
    private let logger = Logger(label: "test")

    /// Polls `condition` until it holds or `timeout` passes.
    private func eventually(timeout: Duration = .seconds(20), _ condition: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }

    private func watch(_ temporary: TemporaryPolicyFile) throws -> (ActivePolicy, PolicyFileWatcher) {
        let policy = ActivePolicy(try temporary.file.rules())
        let watcher = PolicyFileWatcher(
            file: temporary.file, policy: policy, interval: .milliseconds(50), logger: logger, reloadsOnHangup: false)
        return (policy, watcher)
    }

    @Test func aReloadPutsTheNewRulesInForce() throws {
        let temporary = try TemporaryPolicyFile("\"update_port:data_plane_status\": \"role:custom\"\n")
        let (policy, watcher) = try watch(temporary)
        #expect(policy.rules.ruleText("update_port:data_plane_status") == "role:custom")
        try temporary.write("\"update_port:data_plane_status\": \"role:other\"\n")
        #expect(watcher.reload(reason: "SIGHUP"))
        #expect(policy.rules.ruleText("update_port:data_plane_status") == "role:other")
        #expect(watcher.lastError == nil)
    }

    @Test func aBrokenFileKeepsThePreviousRules() throws {
        let temporary = try TemporaryPolicyFile("\"update_port:data_plane_status\": \"role:custom\"\n")
        let (policy, watcher) = try watch(temporary)
        try temporary.write("# changed\n\"update_port:data_plane_status\": \"role:custom or\"\n")
        #expect(!watcher.reload(reason: "SIGHUP"))
        #expect(policy.rules.ruleText("update_port:data_plane_status") == "role:custom")
        let error = try #require(watcher.lastError as PolicyFileError?)
        #expect(error.line == 2)
        try temporary.write("\"update_prt\": \"@\"\n")
        #expect(!watcher.reload(reason: "SIGHUP"))
        #expect(watcher.lastError?.policyError?.code == .unknownRule)
        #expect(policy.rules.ruleText("update_port:data_plane_status") == "role:custom")
    }

    @Test func aChangedFileIsReloadedWithoutASignal() async throws {
        let temporary = try TemporaryPolicyFile("\"update_port:data_plane_status\": \"role:custom\"\n")
        let (policy, watcher) = try watch(temporary)
        let running = Task { try await watcher.run() }
        defer { running.cancel() }

        try temporary.write("\"update_port:data_plane_status\": \"role:second\"\n")
        #expect(try await eventually { policy.rules.ruleText("update_port:data_plane_status") == "role:second" })

        // A broken edit is logged and ignored; the rules in force stay.
        try temporary.write("\"update_port:data_plane_status\": [\n")
        #expect(try await eventually { watcher.lastError != nil })
        #expect(watcher.lastError?.code == .syntax)
        #expect(policy.rules.ruleText("update_port:data_plane_status") == "role:second")

        // Fixing the file puts it in force.
        try temporary.write("\"update_port:data_plane_status\": \"role:third\"\n")
        #expect(try await eventually { policy.rules.ruleText("update_port:data_plane_status") == "role:third" })
        #expect(watcher.lastError == nil)

        // A removed file keeps the rules too.
        try FileManager.default.removeItem(atPath: temporary.path)
        #expect(try await eventually { watcher.lastError?.code == .unreadable })
        #expect(policy.rules.ruleText("update_port:data_plane_status") == "role:third")
    }

    @Test func anUnchangedFileIsNotReloaded() async throws {
        let temporary = try TemporaryPolicyFile("\"update_port:data_plane_status\": \"role:custom\"\n")
        let (policy, watcher) = try watch(temporary)
        policy.replace(with: AccessPolicy.defaultRules)
        await watcher.reloadIfChanged()
        #expect(policy.rules.overriddenNames.isEmpty, "the file did not change, so nothing was read")
    }
}
