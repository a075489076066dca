/// A JSON-RPC notification from ovsdb-server (a message with a method and a null id): `update`
/// for a monitor, `locked` or `stolen` for a lock.
public struct OVSDBNotification: Sendable, Hashable {
    /// The method, e.g. `update`.
    public var method: String
    /// The parameters, e.g. `[monitor-id, table-updates]` for `update`.
    public var params: [JSONValue]

    /// Creates a notification.
    public init(method: String, params: [JSONValue]) {
        self.method = method
        self.params = params
    }
}
