import ArgumentParser
import Foundation
import HostAgent
import Logging
import PortwatchClient
import ServiceLifecycle
import UnixSignals
import VSwitchSource

/// `portwatch agent`: runs on a compute host, watches the local Open vSwitch and posts what it
/// means to Portwatch.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract:
            "Watch this host's Open vSwitch (taps, NICs, ovs-vswitchd) and post the faults to Portwatch, buffering across Portwatch outages."
    )

    static let environment = ProcessInfo.processInfo.environment

    @Option(help: "The local OVSDB (PORTWATCH_AGENT_OVSDB).")
    var ovsdb: String = environment["PORTWATCH_AGENT_OVSDB"] ?? "unix:/var/run/openvswitch/db.sock"

    @Option(help: "This host's binding:host_id (PORTWATCH_AGENT_HOST; default Open_vSwitch external_ids:hostname).")
    var host: String? = environment["PORTWATCH_AGENT_HOST"]

    @Option(
        help:
            "File holding the bearer token of a native source credential (PORTWATCH_AGENT_TOKEN_FILE; see portwatch source-credentials new native)."
    )
    var tokenFile: String? = environment["PORTWATCH_AGENT_TOKEN_FILE"]

    @Option(help: "How often ovs-vswitchd's liveness is probed, in seconds (PORTWATCH_AGENT_PROBE_INTERVAL).")
    var probeInterval: Int = Int(environment["PORTWATCH_AGENT_PROBE_INTERVAL"] ?? "") ?? 15

    @Flag(help: "Also report this host's LLDP neighbours (lldpd's lldpcli) as learned cabling (PORTWATCH_AGENT_LLDP=1).")
    var lldp = ["1", "true", "yes"].contains(environment["PORTWATCH_AGENT_LLDP"]?.lowercased() ?? "")

    @Option(help: "The lldpcli to run (PORTWATCH_AGENT_LLDPCLI).")
    var lldpcli: String = environment["PORTWATCH_AGENT_LLDPCLI"] ?? "lldpcli"

    @Option(help: "Seconds between LLDP reports (PORTWATCH_AGENT_LLDP_INTERVAL).")
    var lldpInterval: Int = Int(environment["PORTWATCH_AGENT_LLDP_INTERVAL"] ?? "") ?? 30

    @Option(help: "Log level.")
    var logLevel: String = environment["PORTWATCH_LOG_LEVEL"] ?? "info"

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let target: OVSDBTarget
        do {
            target = try OVSDBTarget(parsing: (host.map { "\($0)=" } ?? "") + ovsdb)
        } catch {
            throw ValidationError("--ovsdb \(ovsdb): \(error)")
        }
        guard (1...3600).contains(probeInterval) else { throw ValidationError("--probe-interval must be 1 to 3600") }
        var logger = Logger(label: "portwatch-agent")
        logger.logLevel = Logger.Level(rawValue: logLevel.lowercased()) ?? .info
        let connected = try await connection.client()
        var headers = connected.headers
        if let tokenFile {
            guard let text = try? String(contentsOfFile: tokenFile, encoding: .utf8) else {
                throw ValidationError("--token-file \(tokenFile) cannot be read")
            }
            let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty else { throw ValidationError("--token-file \(tokenFile) is empty") }
            headers.append(("Authorization", "Bearer \(token)"))
        }
        // A send that gets no answer is retried soon: events are idempotent (the latest state of a
        // resource, with its own time).
        let client = PortwatchClient(baseURL: connected.baseURL, headers: headers, timeout: .seconds(10))
        let forwarder = EventForwarder(client: client, logger: logger)
        let source = OVSDBSource(targets: [target], probeInterval: .seconds(probeInterval), logger: logger) { events in
            forwarder.enqueue(events)
        }
        logger.info("agent starting", metadata: ["ovsdb": "\(target)", "portwatch": "\(client.baseURL)"])
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: ForwarderService(forwarder: forwarder)), .init(service: source),
        ]
        if lldp {
            guard (1...86_400).contains(lldpInterval) else { throw ValidationError("--lldp-interval must be 1 to 86400") }
            let reporter = LLDPReporter(
                host: host ?? ProcessInfo.processInfo.hostName, lldpcli: lldpcli, interval: .seconds(lldpInterval),
                client: client)
            services.append(.init(service: LLDPService(reporter: reporter, logger: logger)))
        }
        let group = ServiceGroup(
            configuration: .init(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

/// Runs an ``LLDPReporter`` until graceful shutdown.
struct LLDPService: Service {
    let reporter: LLDPReporter
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown { await reporter.run(logger: logger) }
    }
}

/// Runs an ``EventForwarder`` until graceful shutdown.
struct ForwarderService: Service {
    let forwarder: EventForwarder

    func run() async throws {
        await withGracefulShutdownHandler {
            await forwarder.run()
        } onGracefulShutdown: {
            forwarder.stop()
        }
    }
}
