import Foundation

/// Neutron's standard-attribute timestamps: whole seconds, UTC, `YYYY-MM-DDTHH:MM:SSZ`.
public enum NeutronTimestamp {
    /// Truncates a date to whole seconds, the precision Neutron stores.
    public static func truncate(_ date: Date) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }

    /// Formats as `2026-11-25T19:28:52Z`.
    public static func format(_ date: Date) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20)
        append(date, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `2026-11-25T19:28:52Z` to `bytes`: the civil date of the proleptic Gregorian calendar
    /// from days since the epoch (H. Hinnant's `civil_from_days`), in integer arithmetic: no `tm`,
    /// no time zone lookup, no intermediate string (ports render two of these each).
    public static func append(_ date: Date, to bytes: inout [UInt8]) {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func put(_ value: Int64, _ digits: Int) {
            JSONWriter.appendDecimal(UInt64(clamping: value), digits: digits, to: &bytes)
        }
        put(year, 4)
        bytes.append(UInt8(ascii: "-"))
        put(month, 2)
        bytes.append(UInt8(ascii: "-"))
        put(day, 2)
        bytes.append(UInt8(ascii: "T"))
        put(secondOfDay / 3_600, 2)
        bytes.append(UInt8(ascii: ":"))
        put(secondOfDay / 60 % 60, 2)
        bytes.append(UInt8(ascii: ":"))
        put(secondOfDay % 60, 2)
        bytes.append(UInt8(ascii: "Z"))
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
