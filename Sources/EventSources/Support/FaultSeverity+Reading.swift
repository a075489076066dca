import PortwatchCore

extension FaultSeverity {
    /// A source's severity word, read loosely: `critical`/`fatal`/`page`, `major`/`error`/`high`,
    /// `minor`/`medium`, `warning`/`warn`, `info`/`informational`/`low`/`none`/`ok`; nil otherwise.
    static func reading(_ text: String) -> FaultSeverity? {
        switch text.lowercased() {
        case "critical", "fatal", "page", "emergency", "alert": .critical
        case "major", "error", "high": .major
        case "minor", "medium": .minor
        case "warning", "warn": .warning
        case "info", "informational", "low", "none", "ok", "okay": .info
        default: nil
        }
    }
}
