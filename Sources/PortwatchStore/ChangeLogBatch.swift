import Foundation
import PortwatchCore

/// What the commits after a sequence changed, with the rows as they are now.
public struct ChangeLogBatch: Sendable {
    /// The newest sequence read (the caller's sequence when nothing is newer).
    public var through: Int64
    /// The log no longer holds the entries right after the caller's sequence: reload everything.
    public var truncated: Bool
    /// Networks touched, with their stored value (nil: deleted).
    public var networks: [(id: String, network: Network?)] = []
    /// Ports written in full, with their stored value (nil: deleted).
    public var ports: [(id: String, port: PortwatchCore.Port?)] = []
    /// Ports whose state alone changed (a fault's verdict, a `data_plane_status` write), with their
    /// stored state (nil: no longer stored). Never one of ``ports``.
    public var portStates: [(id: String, state: StoredPortState?)] = []
    /// Documents touched, with their stored body (nil: deleted), of the kinds asked for.
    public var documents: [(kind: String, id: String, body: [UInt8]?)] = []
    /// The kinds of every document touched.
    public var documentKinds: Set<String> = []
    /// The newest outbox sequence after these commits.
    public var newestOutbox: Int64 = 0

    public init(through: Int64, truncated: Bool) {
        self.through = through
        self.truncated = truncated
    }
}

/// A port's changing state as stored beside its attributes (PostgreSQL's `port_state` row).
public struct StoredPortState: Sendable, Hashable {
    public var revisionNumber: Int64
    /// Seconds since the reference date.
    public var updatedAt: Double
    public var status: String
    public var dataPlaneStatus: String?
    public var dataPlaneStatusOverride: String?
    public var correlatedDataPlaneStatus: String?

    public init(
        revisionNumber: Int64, updatedAt: Double, status: String, dataPlaneStatus: String?,
        dataPlaneStatusOverride: String?, correlatedDataPlaneStatus: String?
    ) {
        self.revisionNumber = revisionNumber
        self.updatedAt = updatedAt
        self.status = status
        self.dataPlaneStatus = dataPlaneStatus
        self.dataPlaneStatusOverride = dataPlaneStatusOverride
        self.correlatedDataPlaneStatus = correlatedDataPlaneStatus
    }

    /// `port` with this state, unless the port's own revision is newer.
    public func apply(to port: inout PortwatchCore.Port) {
        guard revisionNumber >= port.revisionNumber else { return }
        port.revisionNumber = Int(revisionNumber)
        port.updatedAt = Date(timeIntervalSinceReferenceDate: updatedAt)
        port.status = PortStatus(rawValue: status) ?? port.status
        port.dataPlaneStatus = dataPlaneStatus.flatMap(DataPlaneStatus.init(rawValue:))
        port.dataPlaneStatusOverride = dataPlaneStatusOverride.flatMap(DataPlaneStatus.init(rawValue:))
        port.correlatedDataPlaneStatus = correlatedDataPlaneStatus.flatMap(DataPlaneStatus.init(rawValue:))
    }
}
