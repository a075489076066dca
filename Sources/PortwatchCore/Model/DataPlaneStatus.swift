/// Upstream's `data_plane_status` values; JSON `null` (no status reported) is `nil`.
///
/// Case-sensitive: Neutron rejects `"down"`.
public enum DataPlaneStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// The underlying data plane is up and running.
    case active = "ACTIVE"
    /// No traffic can flow from or to the port.
    case down = "DOWN"
}
