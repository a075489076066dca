/// One row of Open vSwitch's `Interface` table, as Portwatch reads it.
///
/// `external_ids:iface-id` is the Neutron port id of a VM's tap (``neutronPortID``). `link_state`,
/// `admin_state`, `ofport` and `error` are written by ovs-vswitchd; they keep their last values
/// when ovs-vswitchd stops (see ``VSwitchLiveness``).
public struct OVSInterface: Sendable, Hashable {
    /// A link's state as ovs-vswitchd reports it.
    public enum LinkState: String, Sendable, Hashable {
        case up, down
    }

    /// The row's `_uuid`.
    public var uuid: String
    public var name: String
    /// `type`: empty for a system device, `internal`, `tap`, `dpdkvhostuserclient`, `patch`, …
    public var type: String
    /// `link_state`, or `nil` when ovs-vswitchd has not set it (yet).
    public var linkState: LinkState?
    /// `admin_state`, or `nil` when ovs-vswitchd has not set it (yet).
    public var adminState: LinkState?
    /// `ofport`: the OpenFlow port number, `-1` when ovs-vswitchd failed to add the interface,
    /// `nil` before ovs-vswitchd has seen it.
    public var ofport: Int?
    /// `error`: why ovs-vswitchd could not add or configure the interface.
    public var error: String?
    public var externalIDs: [String: String]

    /// The Neutron port id (`external_ids:iface-id`), for a VM's tap or vhost-user port.
    public var neutronPortID: String? { externalIDs["iface-id"] }

    public init(
        uuid: String, name: String, type: String = "", linkState: LinkState? = nil, adminState: LinkState? = nil,
        ofport: Int? = nil, error: String? = nil, externalIDs: [String: String] = [:]
    ) {
        self.uuid = uuid
        self.name = name
        self.type = type
        self.linkState = linkState
        self.adminState = adminState
        self.ofport = ofport
        self.error = error
        self.externalIDs = externalIDs
    }

    /// Reads the monitored columns of a row.
    public init(uuid: String, row: OVSDBRow) {
        self.init(
            uuid: uuid,
            name: row["name"]?.string ?? "",
            type: row["type"]?.string ?? "",
            linkState: row["link_state"]?.string.flatMap(LinkState.init(rawValue:)),
            adminState: row["admin_state"]?.string.flatMap(LinkState.init(rawValue:)),
            ofport: row["ofport"]?.integer,
            error: row["error"]?.string,
            externalIDs: row["external_ids"]?.stringMap ?? [:])
    }

    /// The columns ``init(uuid:row:)`` reads, as monitored by ``OVSDBMonitor``.
    public static let monitoredColumns = [
        "name", "type", "link_state", "admin_state", "ofport", "error", "external_ids",
    ]
}
