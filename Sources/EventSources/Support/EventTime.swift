import Foundation
import PortwatchCore

/// Reads the timestamps the foreign formats carry.
///
/// Accepts ISO 8601 / RFC 3339 date-times with `T` or a space between date and time, with or
/// without a fraction of any length (Python's `isoformat()` writes 6 digits and drops them at 0 µs,
/// Go's RFC 3339 writes up to 9), and with `Z`, `±HH:MM`, `±HHMM` or no zone. A time without a zone
/// is taken as UTC: Doctor's sample monitor sends local time without a zone, and Portwatch hosts
/// are expected to run in UTC.
///
/// ```swift
/// EventTime.parse("2019-11-28T10:15:30.123456")        // 10:15:30.123456 UTC
/// EventTime.parse("2017-03-23T09:28:55.379-07:00")     // 16:28:55.379 UTC
/// ```
public enum EventTime {
    /// The date, or nil when the text is not an ISO 8601 date-time.
    public static func parse(_ text: String) -> Date? {
        var scanner = Scanner(Array(text.utf8))
        guard let year = scanner.number(digits: 4), scanner.take("-"),
            let month = scanner.number(digits: 2), scanner.take("-"),
            let day = scanner.number(digits: 2), scanner.take("T") || scanner.take("t") || scanner.take(" "),
            let hour = scanner.number(digits: 2), scanner.take(":"),
            let minute = scanner.number(digits: 2), scanner.take(":"),
            let second = scanner.number(digits: 2)
        else { return nil }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day), hour < 24, minute < 60,
            second <= 60
        else { return nil }
        var fraction = 0.0
        if scanner.take(".") || scanner.take(",") {
            var scale = 0.1
            var digits = 0
            while let digit = scanner.digit() {
                fraction += Double(digit) * scale
                scale /= 10
                digits += 1
            }
            guard digits > 0 else { return nil }
        }
        var offset = 0
        if scanner.take("Z") || scanner.take("z") {
            offset = 0
        } else if let sign = scanner.sign() {
            guard let hours = scanner.number(digits: 2), hours < 24 else { return nil }
            _ = scanner.take(":")
            let minutes = scanner.isAtEnd ? 0 : scanner.number(digits: 2)
            guard let minutes, minutes < 60 else { return nil }
            offset = sign * (hours * 3600 + minutes * 60)
        }
        guard scanner.isAtEnd else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// Go's zero `time.Time` (`0001-01-01T00:00:00Z`), which Alertmanager sends as `endsAt` while
    /// an alert fires.
    public static func isGoZero(_ date: Date) -> Bool {
        date.timeIntervalSince1970 <= goZero
    }

    /// A time given as a JSON value: an ISO 8601 string, or epoch milliseconds (ONOS `Event.time()`)
    /// or seconds (values below 10¹¹ are taken as seconds).
    public static func parse(_ value: JSONValue) -> Date? {
        switch value {
        case .string(let text):
            if let date = parse(text) { return date }
            if let number = Double(text) { return epoch(number) }
            return nil
        case .int(let number): return epoch(Double(number))
        case .double(let number): return epoch(number)
        default: return nil
        }
    }

    private static let goZero = Double(daysFromCivil(year: 1, month: 1, day: 1) * 86_400)

    private static func epoch(_ number: Double) -> Date? {
        guard number.isFinite, number >= 0 else { return nil }
        return Date(timeIntervalSince1970: number < 1e11 ? number : number / 1000)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private struct Scanner {
        let bytes: [UInt8]
        var position = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var isAtEnd: Bool { position == bytes.count }

        mutating func take(_ character: Unicode.Scalar) -> Bool {
            guard position < bytes.count, bytes[position] == UInt8(ascii: character) else { return false }
            position += 1
            return true
        }

        mutating func digit() -> Int? {
            guard position < bytes.count, (48...57).contains(bytes[position]) else { return nil }
            position += 1
            return Int(bytes[position - 1] - 48)
        }

        mutating func number(digits: Int) -> Int? {
            var value = 0
            for _ in 0..<digits {
                guard let digit = digit() else { return nil }
                value = value * 10 + digit
            }
            return value
        }

        mutating func sign() -> Int? {
            if take("+") { return 1 }
            if take("-") { return -1 }
            return nil
        }
    }
}
