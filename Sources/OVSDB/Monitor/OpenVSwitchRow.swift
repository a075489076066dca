/// The single row of Open vSwitch's `Open_vSwitch` table, as Portwatch reads it.
///
/// `next_cfg` is bumped by whoever changes the configuration and waits (`ovs-vsctl` without
/// `--no-wait`); ovs-vswitchd copies it to `cur_cfg` once it has applied the change.
public struct OpenVSwitchRow: Sendable, Hashable {
    /// The row's `_uuid`.
    public var uuid: String
    /// `cur_cfg`: the configuration sequence number ovs-vswitchd last applied.
    public var curCfg: Int
    /// `next_cfg`: the sequence number of the latest configuration asked for.
    public var nextCfg: Int
    public var externalIDs: [String: String]

    /// `external_ids:system-id`, the chassis id OVN and Neutron agents use.
    public var systemID: String? { externalIDs["system-id"] }
    /// `external_ids:hostname`, recorded by Open vSwitch's start scripts.
    public var hostname: String? { externalIDs["hostname"] }

    public init(uuid: String, curCfg: Int, nextCfg: Int, externalIDs: [String: String] = [:]) {
        self.uuid = uuid
        self.curCfg = curCfg
        self.nextCfg = nextCfg
        self.externalIDs = externalIDs
    }

    /// Reads the monitored columns of a row.
    public init(uuid: String, row: OVSDBRow) {
        self.init(
            uuid: uuid, curCfg: row["cur_cfg"]?.integer ?? 0, nextCfg: row["next_cfg"]?.integer ?? 0,
            externalIDs: row["external_ids"]?.stringMap ?? [:])
    }

    /// The columns ``init(uuid:row:)`` reads, as monitored by ``OVSDBMonitor``.
    public static let monitoredColumns = ["cur_cfg", "next_cfg", "external_ids"]
}
