import Foundation

/// Neutron's standard-attribute timestamps: whole seconds, UTC, `YYYY-MM-DDTHH:MM:SSZ`.
public enum NeutronTimestamp {
    /// Truncates a date to whole seconds, the precision Neutron stores.
    public static func truncate(_ date: Date) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }

    /// Formats as `2026-11-25T19:28:52Z`.
    public static func format(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02dZ",
            Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }

    /// Formats as oslo.utils' `str(utcnow())`: `2026-11-25 19:28:52.850358` (no fraction at 0 µs).
    public static func formatOslo(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        var seconds = time_t(interval.rounded(.down))
        let micros = Int(((interval - interval.rounded(.down)) * 1_000_000).rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let base = String(
            format: "%04d-%02d-%02d %02d:%02d:%02d",
            Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
        return micros == 0 ? base : base + String(format: ".%06d", micros)
    }

    /// Parses ISO 8601 with or without fraction and zone (`Z` assumed), as `changed_since` accepts.
    public static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        if !text.hasSuffix("Z"), !text.contains("+") { return parse(text + "Z") }
        return nil
    }
}
