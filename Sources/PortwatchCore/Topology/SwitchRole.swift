/// A switch's tier in the fabric, which decides which of its switch-to-switch links are uplinks.
///
/// A link between two switches is an *uplink* of the lower one: `leaf → spine`, `spine → core`,
/// `leaf → core`. Links between switches of the same role (MLAG peer links, inter-spine links)
/// are modelled but give no northbound connectivity.
public enum SwitchRole: String, Codable, Sendable, Hashable, CaseIterable {
    /// Top tier (super-spine); has no uplinks of its own.
    case core
    /// Spine of a leaf-spine pod.
    case spine
    /// Leaf / top-of-rack switch; hosts attach here. The default when a document names no role.
    case leaf

    /// Smaller is closer to the top of the fabric.
    var tier: Int {
        switch self {
        case .core: 0
        case .spine: 1
        case .leaf: 2
        }
    }
}
