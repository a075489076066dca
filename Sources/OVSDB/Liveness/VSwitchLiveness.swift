/// Whether ovs-vswitchd is serving, as far as its database can tell.
///
/// ovs-vswitchd leaves no trace in the rows it wrote when it stops: with Open vSwitch 3.1 and the
/// userspace datapath, after `ovs-appctl exit` as after `kill -9`, `Interface.ofport`,
/// `link_state`, `admin_state`, `ifindex`, `mac_in_use`, `status`, `Bridge.datapath_id` and
/// `Open_vSwitch.cur_cfg`, `datapath_types`, `iface_types` all keep their last values. Two things
/// do tell (see docs/ovsdb.md for the experiment):
///
/// - **The `ovs_vswitchd` lock.** ovs-vswitchd holds the OVSDB lock named `ovs_vswitchd` (RFC 7047
///   §4.1.8) for as long as its connection to ovsdb-server lives. A `lock` request for it is
///   refused (`{"locked": false}`) while ovs-vswitchd runs and granted at once when it is gone;
///   ovsdb-server releases it as soon as the process exits, however it exits.
/// - **`cur_cfg` following `next_cfg`.** Whoever changes the configuration and waits (ovs-vsctl
///   without `--no-wait`) increments `Open_vSwitch.next_cfg`; ovs-vswitchd copies it to `cur_cfg`
///   once it has applied the change (it does so at once on start, too). A `cur_cfg` that stays
///   below `next_cfg` means nobody is applying configuration — it also catches an ovs-vswitchd
///   that is connected but hung, which the lock does not.
///
/// ``OVSDBClient/probeVSwitch(timeout:bumpConfiguration:)`` uses both; ``assess(_:laggingFor:bound:)``
/// reads only the monitored row, passively, and so can only ever say "not serving" or "unknown".
public enum VSwitchLiveness: Sendable, Hashable {
    /// ovs-vswitchd holds its lock and (when probed) applied a configuration bump.
    case serving
    /// ovs-vswitchd is gone or does not apply configuration; `reason` says which evidence.
    case notServing(reason: String)
    /// The database could not be asked (no connection, an error answer).
    case unknown(reason: String)

    /// Reads liveness from the monitored `Open_vSwitch` row alone: `cur_cfg` below `next_cfg`
    /// for longer than `bound` means ovs-vswitchd is not applying configuration. Anything else is
    /// `.unknown`, since a stopped ovs-vswitchd leaves `cur_cfg == next_cfg` as it was.
    ///
    /// - Parameters:
    ///   - row: the row as last reported.
    ///   - laggingFor: how long `cur_cfg` has been below `next_cfg`, `nil` if it is not.
    ///   - bound: how long ovs-vswitchd may take to apply a configuration.
    public static func assess(_ row: OpenVSwitchRow?, laggingFor: Duration?, bound: Duration) -> VSwitchLiveness {
        guard let row else { return .unknown(reason: "no Open_vSwitch row") }
        if row.curCfg < row.nextCfg, let laggingFor, laggingFor >= bound {
            return .notServing(reason: Reason.configurationNotApplied)
        }
        return .unknown(reason: "cur_cfg has followed next_cfg; a stopped ovs-vswitchd would leave it so too")
    }

    enum Reason {
        static let lockFree =
            "no process holds the ovs_vswitchd lock: ovs-vswitchd is not connected to ovsdb-server"
        static let configurationNotApplied =
            "Open_vSwitch.cur_cfg did not follow next_cfg: ovs-vswitchd is not applying configuration"
    }
}
