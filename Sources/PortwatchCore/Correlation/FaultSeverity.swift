/// Severity a source gave a fault; recorded for the audit trail, it does not change correlation.
public enum FaultSeverity: String, Codable, Sendable, Hashable, CaseIterable {
    case critical, major, minor, warning, info
}
