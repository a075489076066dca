import Foundation
import Logging
import OsloPolicy
import PortwatchCore
import ServiceLifecycle
import Synchronization
import UnixSignals

/// Keeps the rules in force in step with the policy file, without a restart: it reloads the file
/// on SIGHUP and when the file changes (its modification time, size or inode, checked every
/// `interval`).
///
/// A file that does not load leaves the rules in force as they were, and is logged as an error
/// naming the line; the next change (or SIGHUP) tries again. A change is read once the file has
/// stopped changing for a moment, so an editor's save is not read half-written.
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
    /// How often the file is looked at.
    public let interval: Duration
    /// Whether SIGHUP reloads (tests that run many watchers in one process turn it off).
    let reloadsOnHangup: Bool
    private let logger: Logger
    private let state: Mutex<State>

    private struct State {
        /// The file as last loaded (or tried), so that a failure is not retried until the file changes.
        var signature: FileSignature?
        var lastError: PolicyFileError?
    }

    /// What tells a changed file from the one loaded: modification time, size, inode.
    struct FileSignature: Equatable {
        var modified: Date?
        var size: Int?
        var inode: Int?
    }

    /// A watcher of `file` that puts its rules into `policy` (which should hold the file's rules as
    /// loaded at start).
    public init(
        file: PolicyFile, policy: ActivePolicy, interval: Duration = .seconds(2), logger: Logger,
        reloadsOnHangup: Bool = true
    ) {
        self.file = file
        self.policy = policy
        self.interval = interval
        self.reloadsOnHangup = reloadsOnHangup
        self.logger = logger
        state = Mutex(State(signature: Self.signature(of: file.path)))
    }

    /// Watches until graceful shutdown.
    public func run() async throws {
        let hangups = reloadsOnHangup ? await UnixSignalsSequence(trapping: .sighup) : nil
        await cancelWhenGracefulShutdown { [self] in
            await withDiscardingTaskGroup { group in
                if let hangups {
                    group.addTask {
                        for await _ in hangups { self.reload(reason: "SIGHUP") }
                    }
                }
                group.addTask {
                    while (try? await Task.sleep(for: self.interval)) != nil {
                        await self.reloadIfChanged()
                    }
                }
            }
        }
    }

    /// Loads the file now and puts its rules in force; on failure keeps the rules in force and logs
    /// why. Returns whether the new rules are in force.
    @discardableResult
    public func reload(reason: String) -> Bool {
        let signature = Self.signature(of: file.path)
        do {
            let rules = try file.rules()
            policy.replace(with: rules)
            state.withLock {
                $0.signature = signature
                $0.lastError = nil
            }
            logger.info(
                "policy file reloaded",
                metadata: [
                    "policy_file": "\(file.path)", "reason": "\(reason)",
                    "overridden_rules": "\(rules.overriddenNames.count)",
                ])
            return true
        } catch {
            state.withLock {
                $0.signature = signature
                $0.lastError = error
            }
            var metadata: Logger.Metadata = [
                "policy_file": "\(file.path)", "reason": "\(reason)", "error": "\(error)",
            ]
            if let line = error.line { metadata["line"] = "\(line)" }
            logger.error("policy file not loaded; the rules in force stay", metadata: metadata)
            return false
        }
    }

    /// Why the last reload failed, while the file has not loaded since.
    public var lastError: PolicyFileError? { state.withLock { $0.lastError } }

    /// Reloads when the file differs from the one last loaded, once it has settled.
    func reloadIfChanged() async {
        var current = Self.signature(of: file.path)
        guard current != state.withLock({ $0.signature }) else { return }
        // A save in progress changes the file again within moments; read it once it holds still.
        let settle = min(interval / 4, .milliseconds(250))
        for _ in 0..<20 {
            guard (try? await Task.sleep(for: settle)) != nil else { return }
            let next = Self.signature(of: file.path)
            if next == current { break }
            current = next
        }
        reload(reason: "file changed")
    }

    static func signature(of path: String) -> FileSignature {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
            return FileSignature()
        }
        return FileSignature(
            modified: attributes[.modificationDate] as? Date, size: (attributes[.size] as? NSNumber)?.intValue,
            inode: (attributes[.systemFileNumber] as? NSNumber)?.intValue)
    }
}
