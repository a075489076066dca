import FileWatching
import Foundation
import Logging
import OsloPolicy
import PortwatchCore
import ServiceLifecycle

/// Keeps the rules in force in step with the policy file, without a restart: a ``FileWatching/FileWatcher``
/// that reloads the file on SIGHUP and when it changes.
///
/// A file that does not load leaves the rules in force as they were, and is logged as an error
/// naming the line; the next change (or SIGHUP) tries again.
///
/// ```swift
/// let watcher = PolicyFileWatcher(file: PolicyFile(path: path), policy: activePolicy, logger: logger)
/// // one of the ServiceGroup's services
/// ```
public final class PolicyFileWatcher: Service, Sendable {
    /// The file watched.
    public let file: PolicyFile
    /// Where reloaded rules go.
    public let policy: ActivePolicy
    let watcher: FileWatcher

    /// A watcher of `file` that puts its rules into `policy` (which should hold the file's rules as
    /// loaded at start).
    public init(
        file: PolicyFile, policy: ActivePolicy, interval: Duration = .seconds(2), logger: Logger,
        reloadsOnHangup: Bool = true
    ) {
        self.file = file
        self.policy = policy
        watcher = FileWatcher(
            path: file.path, kind: "policy file", interval: interval, logger: logger,
            reloadsOnHangup: reloadsOnHangup,
            describe: { error in (error as? PolicyFileError)?.line.map { ["line": "\($0)"] } ?? [:] }
        ) {
            let rules = try file.rules()
            policy.replace(with: rules)
            return ["overridden_rules": "\(rules.overriddenNames.count)"]
        }
    }

    /// How often the file is looked at.
    public var interval: Duration { watcher.interval }

    /// Watches until graceful shutdown.
    public func run() async throws {
        try await watcher.run()
    }

    /// Loads the file now and puts its rules in force; on failure keeps the rules in force and logs
    /// why (with the line). Returns whether the new rules are in force.
    @discardableResult
    public func reload(reason: String) -> Bool {
        watcher.reload(reason: reason)
    }

    /// Why the last reload failed, while the file has not loaded since.
    public var lastError: PolicyFileError? { watcher.lastError as? PolicyFileError }

    /// Reloads when the file differs from the one last loaded, once it has settled.
    func reloadIfChanged() async {
        await watcher.reloadIfChanged()
    }
}
