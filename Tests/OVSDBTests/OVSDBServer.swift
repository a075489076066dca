import Foundation
import OVSDB
import Testing

/// A private ovsdb-server (Debian's openvswitch-switch) in a temporary directory, with the
/// Open_vSwitch schema, listening on a unix socket and an ephemeral TCP port on 127.0.0.1.
///
/// Tests skip when the binaries are missing and `CI` is unset; under CI they must run.
final class OVSDBServer: @unchecked Sendable {
    static let binaries = [
        "/usr/sbin/ovsdb-server", "/usr/bin/ovsdb-tool", "/usr/bin/ovs-vsctl", "/usr/bin/ovs-appctl",
    ]
    static let schema = "/usr/share/openvswitch/vswitch.ovsschema"
    static let isInstalled =
        binaries.allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
        && FileManager.default.fileExists(atPath: schema)
    static let shouldRun = isInstalled || ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty } == true
    static let skipMessage: Comment =
        "Open vSwitch is not installed (apt-get install openvswitch-switch); set CI=1 to make this a failure"

    let directory: String
    var database: String { directory + "/conf.db" }
    /// The unix socket the monitor under test connects to.
    var socket: String { directory + "/db.sock" }
    var unixEndpoint: OVSDBEndpoint { .unix(path: socket) }
    private(set) var tcpPort = 0
    var tcpEndpoint: OVSDBEndpoint { .tcp(host: "127.0.0.1", port: tcpPort) }

    init() throws {
        guard Self.isInstalled else {
            throw FixtureError("Open vSwitch binaries missing: \(Self.binaries.joined(separator: ", "))")
        }
        // Short: a unix socket path must fit in 108 bytes.
        directory = "/tmp/ovsdb-test-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Self.run("/usr/bin/ovsdb-tool", ["create", database, Self.schema])
        try start()
        try vsctl("init")
    }

    deinit {
        if let pid { kill(pid, SIGCONT) }
        if let pid = vswitchPID, Self.isRunning(pid) {
            kill(pid, SIGCONT)
            stopVSwitch()
        }
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Starts ovsdb-server on `socket` (another path serves the same database unseen by the
    /// monitor) and the TCP port, and waits until it answers.
    func start(socket path: String? = nil) throws {
        let socket = path ?? self.socket
        let log = directory + "/ovsdb-server.log"
        try? FileManager.default.removeItem(atPath: log)
        try Self.run(
            "/usr/sbin/ovsdb-server",
            [
                database, "--remote=punix:\(socket)", "--remote=ptcp:0:127.0.0.1", "--unixctl=\(directory)/ctl",
                "--pidfile=\(directory)/pid", "--detach", "--no-chdir", "--log-file=\(log)",
            ])
        // The log names the ephemeral port: "0:127.0.0.1: listening on port 45791".
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        if let range = text.range(of: #"listening on port (\d+)"#, options: .regularExpression) {
            tcpPort = Int(text[range].split(separator: " ").last ?? "") ?? 0
        }
    }

    /// The running ovsdb-server's pid.
    var pid: Int32? {
        (try? String(contentsOfFile: directory + "/pid", encoding: .utf8))
            .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// Stops ovsdb-server and waits until its pid file is gone.
    func stop() {
        let pidFile = directory + "/pid"
        guard
            let pid = (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap({
                Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
            })
        else { return }
        if (try? Self.run("/usr/bin/ovs-appctl", ["-t", directory + "/ctl", "exit"])) == nil { kill(pid, SIGTERM) }
        for _ in 0..<600 where Self.isRunning(pid) { usleep(100_000) }
        try? FileManager.default.removeItem(atPath: pidFile)
    }

    static let canUnshareNetwork = FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare")

    /// Starts ovs-vswitchd against this database with its own pid file, control socket and log.
    /// It touches no device while the database has no bridge; with `privateNetwork` it runs in a
    /// network namespace of its own (`unshare --net`), so the taps it creates for bridges vanish
    /// with it and never meet the host's.
    func startVSwitch(privateNetwork: Bool = false) throws {
        try Self.run(
            privateNetwork ? "/usr/bin/unshare" : "/usr/sbin/ovs-vswitchd",
            (privateNetwork ? ["--net", "/usr/sbin/ovs-vswitchd"] : []) + [
                "unix:\(socket)", "--pidfile=\(directory)/vswitchd.pid", "--unixctl=\(directory)/vswitchd.ctl",
                "--detach", "--no-chdir", "--log-file=\(directory)/vswitchd.log",
            ])
    }

    /// The pid of the ovs-vswitchd started by ``startVSwitch()``.
    var vswitchPID: Int32? {
        (try? String(contentsOfFile: directory + "/vswitchd.pid", encoding: .utf8))
            .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// Stops that ovs-vswitchd as `ovs-appctl exit` does, and waits until it is gone.
    func stopVSwitch() {
        guard let pid = vswitchPID else { return }
        if (try? Self.run("/usr/bin/ovs-appctl", ["-t", directory + "/vswitchd.ctl", "exit"])) == nil {
            kill(pid, SIGKILL)
        }
        for _ in 0..<600 where Self.isRunning(pid) { usleep(100_000) }
    }

    /// Whether `pid` is alive: a zombie left for an init that does not reap counts as gone.
    static func isRunning(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return stat[stat.index(close, offsetBy: 2)] != "Z"
    }

    /// Runs `ovs-vsctl --no-wait` against the server (by `socket` unless told otherwise).
    @discardableResult
    func vsctl(_ arguments: String..., socket path: String? = nil) throws -> String {
        try Self.run("/usr/bin/ovs-vsctl", ["--db=unix:\(path ?? socket)", "--no-wait", "--timeout=30"] + arguments)
    }

    /// Runs a command to completion with posix_spawn and waitpid (Foundation's `Process` can stall
    /// waiting for a child from a test's cooperative thread). Output goes through files, not pipes:
    /// a daemon that `--detach`es keeps inherited pipes open, so reading one would never end.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let scratch = "/tmp/ovsdb-run-\(UUID().uuidString)"
        let outputPath = scratch + ".out"
        let errorPath = scratch + ".err"
        defer {
            unlink(outputPath)
            unlink(errorPath)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else { throw FixtureError("cannot run \(executable): error \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let exited = status & 0x7f == 0
        let code = (status >> 8) & 0xff
        guard exited && code == 0 else {
            let errors = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
            throw FixtureError(
                "\(executable) \(arguments.joined(separator: " ")) failed (status \(status)): \(errors)")
        }
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Collects a monitor's events in the background, so tests can wait for a condition on them.
actor EventRecorder {
    private(set) var events: [OVSDBMonitorEvent] = []

    init(_ monitor: OVSDBMonitor) {
        let updates = monitor.updates
        Task { await self.consume(updates) }
    }

    private func consume(_ updates: AsyncStream<OVSDBMonitorEvent>) async {
        for await event in updates { events.append(event) }
    }

    /// Waits (60 s at most: never a timing assertion, only a bound) until `condition` holds for
    /// the events so far, and returns them; throws when the bound passes.
    func wait(
        for what: String, _ condition: @Sendable ([OVSDBMonitorEvent]) -> Bool
    ) async throws -> [OVSDBMonitorEvent] {
        let deadline = ContinuousClock.now + .seconds(60)
        while !condition(events) {
            guard ContinuousClock.now < deadline else {
                throw FixtureError("gave up waiting for \(what); events: \(events)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return events
    }
}

extension [OVSDBMonitorEvent] {
    /// The interfaces a consumer holds after applying these events in order, by name.
    var interfaceView: [String: OVSInterface] {
        var view: [String: OVSInterface] = [:]
        for event in self {
            switch event {
            case .interfaceAdded(let new), .interfaceChanged(_, let new): view[new.uuid] = new
            case .interfaceRemoved(let old): view[old.uuid] = nil
            default: break
            }
        }
        return Dictionary(uniqueKeysWithValues: view.values.map { ($0.name, $0) })
    }

    var connectedCount: Int { filter { $0 == .connection(.connected) }.count }
}
