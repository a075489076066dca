/// What an ``OVSDBMonitor`` reports, in order.
///
/// After each (re)connect the monitor diffs the fresh snapshot against what it reported before, so
/// a consumer that applies every event in order holds the database's current view once
/// ``connection(_:)`` with ``OVSDBConnectionState/connected`` arrives. A lost connection is only a
/// ``connection(_:)`` event: interfaces are never reported removed because the connection dropped.
public enum OVSDBMonitorEvent: Sendable, Hashable {
    case connection(OVSDBConnectionState)
    case interfaceAdded(OVSInterface)
    case interfaceChanged(old: OVSInterface, new: OVSInterface)
    case interfaceRemoved(OVSInterface)
    /// The `Open_vSwitch` row appeared or one of its monitored columns changed.
    case openVSwitchChanged(OpenVSwitchRow)
    /// The result of a liveness probe differs from the previous one (only with
    /// ``OVSDBMonitor/Configuration/livenessProbe`` set).
    case vswitchLiveness(VSwitchLiveness)
}

/// The state of an ``OVSDBMonitor``'s connection to ovsdb-server.
public enum OVSDBConnectionState: Sendable, Hashable {
    /// Connected, monitoring, and the snapshot's changes have all been reported.
    case connected
    /// The connection was lost or could not be made; what the database shows is now unknown.
    case disconnected(reason: String)
    /// Waiting `delay` before connection attempt number `attempt` (1 for the first retry).
    case reconnecting(attempt: Int, delay: Duration)
}
