import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals

/// Keeps what an operator's configuration file says in force without a restart: it reloads the
/// file on SIGHUP and when the file changes (its modification time, size or inode, checked every
/// `interval`).
///
/// A file that does not load leaves what is in force as it was, and is logged as an error; the next
/// change (or SIGHUP) tries again. A change is read once the file has stopped changing for a
/// moment, so an editor's save is not read half-written.
///
/// ```swift
/// let watcher = FileWatcher(path: path, kind: "source credentials", logger: logger) {
///     let credentials = try SourceCredentialsFile(path: path).load()
///     authenticator.replace(with: credentials)
///     return ["credentials": "\(credentials.count)"]
/// }
/// // one of the ServiceGroup's services
/// ```
public final class FileWatcher: Service, Sendable {
    /// Loads the file and puts it in force, returning what to log about it; throws, changing
    /// nothing, when the file does not load.
    public typealias Load = @Sendable () throws -> Logger.Metadata
    /// What to log about a failed load beyond its description (the line at fault, say).
    public typealias Describe = @Sendable (any Error) -> Logger.Metadata

    /// The file watched.
    public let path: String
    /// What the file is, in log messages: `policy file`, `source credentials`.
    public let kind: String
    /// How often the file is looked at.
    public let interval: Duration
    /// Whether SIGHUP reloads (tests that run many watchers in one process turn it off).
    let reloadsOnHangup: Bool
    private let load: Load
    private let describe: Describe
    private let logger: Logger
    private let state: Mutex<State>

    private struct State {
        /// The file as last loaded (or tried), so that a failure is not retried until the file changes.
        var signature: FileSignature?
        var lastError: (any Error & Sendable)?
    }

    /// What tells a changed file from the one loaded: modification time, size, inode.
    struct FileSignature: Equatable {
        var modified: Date?
        var size: Int?
        var inode: Int?
    }

    /// A watcher of the file at `path` (whose content, as loaded at start, should be in force).
    public init(
        path: String, kind: String, interval: Duration = .seconds(2), logger: Logger, reloadsOnHangup: Bool = true,
        describe: @escaping Describe = { _ in [:] }, load: @escaping Load
    ) {
        self.describe = describe
        self.path = path
        self.kind = kind
        self.interval = interval
        self.reloadsOnHangup = reloadsOnHangup
        self.load = load
        self.logger = logger
        state = Mutex(State(signature: Self.signature(of: path)))
    }

    /// Makes SIGHUP harmless until a watcher traps it: its default action ends the process, and an
    /// operator may send it while the server is still starting. Call once, early, when a watched
    /// file is configured.
    public static func ignoreHangupsUntilWatched() {
        signal(SIGHUP, SIG_IGN)
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

    /// Loads the file now and puts it in force; on failure keeps what is in force and logs why.
    /// Returns whether the file's new content is in force.
    @discardableResult
    public func reload(reason: String) -> Bool {
        let signature = Self.signature(of: path)
        do {
            let summary = try load()
            state.withLock {
                $0.signature = signature
                $0.lastError = nil
            }
            logger.info(
                "\(kind) reloaded",
                metadata: ["file": "\(path)", "reason": "\(reason)"].merging(summary) { $1 })
            return true
        } catch {
            state.withLock {
                $0.signature = signature
                $0.lastError = error
            }
            logger.error(
                "\(kind) not loaded; what is in force stays",
                metadata: ["file": "\(path)", "reason": "\(reason)", "error": "\(error)"].merging(describe(error)) { $1 })
            return false
        }
    }

    /// Why the last reload failed, while the file has not loaded since.
    public var lastError: (any Error & Sendable)? { state.withLock { $0.lastError } }

    /// Reloads when the file differs from the one last loaded, once it has settled.
    public func reloadIfChanged() async {
        var current = Self.signature(of: path)
        guard current != state.withLock({ $0.signature }) else { return }
        // A save in progress changes the file again within moments; read it once it holds still.
        let settle = min(interval / 4, .milliseconds(250))
        for _ in 0..<20 {
            guard (try? await Task.sleep(for: settle)) != nil else { return }
            let next = Self.signature(of: path)
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
