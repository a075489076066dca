/// A port's or network's operational `status`, read-only over the API.
public enum PortStatus: String, Sendable, Hashable, Codable {
    case active = "ACTIVE"
    case down = "DOWN"
    case build = "BUILD"
    case error = "ERROR"
}
