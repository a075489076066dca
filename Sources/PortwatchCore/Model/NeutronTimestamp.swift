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
        // Hand-rolled: `String(format:)` costs more than the rest of a port's rendering.
        var bytes = [UInt8](repeating: 0, count: 20)
        func put(_ value: Int32, at offset: Int, digits: Int) {
            var value = value
            for index in stride(from: offset + digits - 1, through: offset, by: -1) {
                bytes[index] = UInt8(48 + value % 10)
                value /= 10
            }
        }
        put(parts.tm_year + 1900, at: 0, digits: 4)
        bytes[4] = UInt8(ascii: "-")
        put(parts.tm_mon + 1, at: 5, digits: 2)
        bytes[7] = UInt8(ascii: "-")
        put(parts.tm_mday, at: 8, digits: 2)
        bytes[10] = UInt8(ascii: "T")
        put(parts.tm_hour, at: 11, digits: 2)
        bytes[13] = UInt8(ascii: ":")
        put(parts.tm_min, at: 14, digits: 2)
        bytes[16] = UInt8(ascii: ":")
        put(parts.tm_sec, at: 17, digits: 2)
        bytes[19] = UInt8(ascii: "Z")
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Formats as oslo.utils' `str(utcnow())`: `2026-11-25 19:28:52.850358` (no fraction at 0 µs).
    public static func formatOslo(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        let whole = interval.rounded(.down)
        let micros = Int32(((interval - whole) * 1_000_000).rounded(.down))
        var text = format(Date(timeIntervalSince1970: whole))
        text.removeLast()
        var bytes = Array(text.utf8)
        bytes[10] = UInt8(ascii: " ")
        if micros != 0 {
            bytes.append(UInt8(ascii: "."))
            var digits = [UInt8](repeating: 48, count: 6)
            var value = micros
            for index in stride(from: 5, through: 0, by: -1) {
                digits[index] = UInt8(48 + value % 10)
                value /= 10
            }
            bytes.append(contentsOf: digits)
        }
        return String(decoding: bytes, as: UTF8.self)
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
