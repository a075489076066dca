extension OVSDBClient {
    /// Asks the database whether ovs-vswitchd is serving (see ``VSwitchLiveness``).
    ///
    /// 1. `lock` `ovs_vswitchd`: granted at once means no ovs-vswitchd is connected →
    ///    `.notServing`. The lock (or our place in its queue) is released straight away with
    ///    `unlock`, so a starting ovs-vswitchd waits a round trip at most.
    /// 2. With `bumpConfiguration`, increment `Open_vSwitch.next_cfg` and wait (an RFC 7047 `wait`
    ///    operation, server-side) up to `timeout` for `cur_cfg` to reach it → `.serving`, or
    ///    `.notServing` when it does not. This is what `ovs-vsctl` does after every change; it makes
    ///    ovs-vswitchd run one reconfiguration pass.
    ///
    /// Any failure to ask (connection lost, error answer) is `.unknown`, never `.notServing`.
    public func probeVSwitch(timeout: Duration = .seconds(10), bumpConfiguration: Bool = true) async -> VSwitchLiveness
    {
        do {
            let granted = try await lock("ovs_vswitchd")
            try await unlock("ovs_vswitchd")
            if granted { return .notServing(reason: VSwitchLiveness.Reason.lockFree) }
            guard bumpConfiguration else { return .serving }

            let bumped = try await transact(
                database: "Open_vSwitch",
                operations: [
                    ["op": "mutate", "table": "Open_vSwitch", "where": [], "mutations": [["next_cfg", "+=", 1]]],
                    ["op": "select", "table": "Open_vSwitch", "where": [], "columns": ["_uuid", "next_cfg"]],
                ])
            guard let row = bumped.last?["rows"]?.arrayValue?.first, let uuid = row["_uuid"],
                let nextCfg = row["next_cfg"]?.integerValue
            else {
                return .unknown(reason: "no Open_vSwitch row to bump next_cfg in")
            }
            let milliseconds = max(1, Int(timeout.nanoseconds / 1_000_000))
            do {
                try await transact(
                    database: "Open_vSwitch",
                    operations: [
                        [
                            "op": "wait", "table": "Open_vSwitch", "timeout": .integer(milliseconds),
                            "where": [["_uuid", "==", uuid], ["cur_cfg", ">=", .integer(nextCfg)]],
                            "columns": ["_uuid"], "until": "!=", "rows": [],
                        ]
                    ])
                return .serving
            } catch let error as OVSDBError where error.serverError?["error"] == "timed out" {
                return .notServing(reason: VSwitchLiveness.Reason.configurationNotApplied)
            }
        } catch {
            return .unknown(reason: "could not ask ovsdb-server: \(error)")
        }
    }
}
