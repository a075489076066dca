import Foundation
import Logging
import Metrics
import OVSDB
import PortwatchCore
import ServiceLifecycle

/// One Open vSwitch database to watch: `[HOST=]ENDPOINT`, e.g. `compute-1=tcp:10.0.0.5:6640` or
/// `unix:/run/openvswitch/db.sock` (the host then comes from `Open_vSwitch` `external_ids:hostname`).
public struct OVSDBTarget: Sendable, Hashable, CustomStringConvertible {
    public var hostID: String?
    public var endpoint: OVSDBEndpoint

    public init(hostID: String? = nil, endpoint: OVSDBEndpoint) {
        self.hostID = hostID
        self.endpoint = endpoint
    }

    /// Parses `[HOST=]ENDPOINT`.
    public init(parsing text: String) throws(OVSDBError) {
        if let equals = text.firstIndex(of: "="), !text[..<equals].contains(":") {
            let host = String(text[..<equals])
            self.init(hostID: host.isEmpty ? nil : host, endpoint: try OVSDBEndpoint(String(text[text.index(after: equals)...])))
        } else {
            self.init(endpoint: try OVSDBEndpoint(text))
        }
    }

    public var description: String { (hostID.map { "\($0)=" } ?? "") + "\(endpoint)" }
}

/// Watches Open vSwitch databases and hands the fault events they mean to `deliver`, in order per
/// database: a port's tap, a host's physical NICs, and ovs-vswitchd's liveness
/// (``OVSDBFaultTranslator``). A lost connection is logged and counted
/// (`portwatch_ovsdb_connected` 0), never reported as a fault.
///
/// ```swift
/// let source = OVSDBSource(targets: [try OVSDBTarget(parsing: "compute-1=tcp:10.0.0.5:6640")], logger: logger) {
///     events in try? await correlation.submit(events)
/// }
/// // one of the ServiceGroup's services
/// ```
public final class OVSDBSource: Service, Sendable {
    public typealias Deliver = @Sendable ([FaultEvent]) async -> Void

    public let targets: [OVSDBTarget]
    /// How often ovs-vswitchd's liveness is probed on each database.
    public let probeInterval: Duration
    let deliver: Deliver
    let logger: Logger

    public init(targets: [OVSDBTarget], probeInterval: Duration = .seconds(15), logger: Logger, deliver: @escaping Deliver) {
        self.targets = targets
        self.probeInterval = probeInterval
        self.logger = logger
        self.deliver = deliver
    }

    public func run() async throws {
        await withDiscardingTaskGroup { group in
            for target in targets {
                let probe = OVSDBMonitor.LivenessProbe(
                    interval: probeInterval, timeout: min(.seconds(10), max(probeInterval, .seconds(2))))
                let monitor = OVSDBMonitor(
                    endpoint: target.endpoint, configuration: .init(livenessProbe: probe), logger: logger)
                group.addTask { try? await monitor.run() }
                group.addTask { await self.consume(monitor, target) }
            }
        }
    }

    /// Translates one database's events until its monitor finishes.
    func consume(_ monitor: OVSDBMonitor, _ target: OVSDBTarget) async {
        var translator = OVSDBFaultTranslator(hostID: target.hostID)
        let connected = Gauge(label: "portwatch_ovsdb_connected", dimensions: [("endpoint", "\(target.endpoint)")])
        for await event in monitor.updates {
            if case .connection(let state) = event {
                switch state {
                case .connected:
                    connected.record(1)
                    logger.info("OVSDB connected", metadata: ["ovsdb": "\(target)", "host": "\(translator.hostID ?? "?")"])
                case .disconnected(let reason):
                    connected.record(0)
                    logger.warning(
                        "OVSDB connection lost: the host side is unknown (not a fault) until it is back",
                        metadata: ["ovsdb": "\(target)", "reason": "\(reason)"])
                case .reconnecting:
                    break
                }
            }
            let events = translator.translate(event, now: Date())
            if !events.isEmpty { await deliver(events) }
        }
    }
}
