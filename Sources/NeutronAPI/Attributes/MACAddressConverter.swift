import PortwatchCore

/// neutron-lib's `convert_to_sanitized_mac_address` and `validate_mac_address`, as netaddr 1.3
/// parses MAC addresses.
///
/// Every form netaddr's EUI-48 strategy reads is accepted and written `xx:xx:xx:xx:xx:xx` in
/// lower case: six groups of one or two hex digits joined by `:` or `-`, three of up to four
/// joined by `:`, `-` or `.`, two of five or six joined by `-` or `:`, or eleven or twelve bare
/// digits; a trailing newline is ignored (Python's `$`). What no pattern reads, netaddr reads as
/// Python's `int()` does (`"12"`, `" +12 "`, `1`, `true`). The all-zero and broadcast addresses are
/// refused, named as converted:
///
/// ```swift
/// MACAddressConverter.sanitized(.string("AA-BB-CC-DD-EE-FF"))  // "aa:bb:cc:dd:ee:ff"
/// MACAddressConverter.sanitized(.string("aabb.ccdd.eeff"))     // "aa:bb:cc:dd:ee:ff"
/// ```
enum MACAddressConverter {
    /// The largest EUI-48 value.
    static let maximum: UInt64 = (1 << 48) - 1

    /// The address in Neutron's form, or the reason it is not one (`'x' is not a valid MAC address`).
    static func convert(_ value: JSONValue) -> Result<String, Invalid> {
        guard let number = eui48Value(value) else { return .failure(Invalid(shown: value.pythonDescription)) }
        let text = format(number)
        guard number != 0, number != maximum else { return .failure(Invalid(shown: text)) }
        return .success(text)
    }

    /// A value that is not a valid MAC address, as the validator's message shows it.
    struct Invalid: Error {
        let shown: String
        var reason: String { "'\(shown)' is not a valid MAC address" }
    }

    static func sanitized(_ value: JSONValue) -> String? { try? convert(value).get() }

    private static func eui48Value(_ value: JSONValue) -> UInt64? {
        switch value {
        case .bool(let flag): return flag ? 1 : 0
        case .int(let number): return number >= 0 && UInt64(number) <= maximum ? UInt64(number) : nil
        case .string(let text):
            if let number = patternValue(text.hasSuffix("\n") ? String(text.dropLast()) : text) { return number }
            guard let number = pythonInt(text), number <= maximum else { return nil }
            return number
        default: return nil
        }
    }

    /// netaddr's `RE_MAC_FORMATS`, tried in order.
    private static func patternValue(_ text: String) -> UInt64? {
        let forms: [(separator: Character?, groups: Int, digits: ClosedRange<Int>)] = [
            (":", 6, 1...2), ("-", 6, 1...2), (":", 3, 1...4), ("-", 3, 1...4), (".", 3, 1...4),
            ("-", 2, 5...6), (":", 2, 5...6), (nil, 1, 11...12),
        ]
        for form in forms {
            let groups =
                form.separator.map { text.split(separator: $0, omittingEmptySubsequences: false) } ?? [Substring(text)]
            guard groups.count == form.groups,
                groups.allSatisfy({ form.digits.contains($0.count) && $0.allSatisfy(\.isASCIIHexDigit) })
            else { continue }
            let width = UInt64(48 / form.groups)
            return groups.reduce(UInt64(0)) { ($0 << width) | UInt64($1, radix: 16)! }
        }
        return nil
    }

    /// Python's `int(text)` for a non-negative result: surrounding whitespace, a `+` sign, and
    /// single underscores between digits.
    private static func pythonInt(_ text: String) -> UInt64? {
        var digits = Substring(text.trimmingPythonWhitespace())
        if digits.first == "+" { digits = digits.dropFirst() }
        guard let first = digits.first, let last = digits.last, first.isASCIIDigit, last.isASCIIDigit,
            !digits.contains("__")
        else { return nil }
        let plain = digits.filter { $0 != "_" }
        guard plain.allSatisfy(\.isASCIIDigit) else { return nil }
        return UInt64(plain)
    }

    private static func format(_ number: UInt64) -> String {
        (0..<6).reversed().map { index in
            let byte = (number >> (UInt64(index) * 8)) & 0xff
            return (byte < 16 ? "0" : "") + String(byte, radix: 16)
        }.joined(separator: ":")
    }
}

extension Character {
    var isASCIIHexDigit: Bool { isASCII && isHexDigit }
    var isASCIIDigit: Bool { isASCII && isWholeNumber }
}

extension String {
    /// Python's `str.strip()`: Unicode whitespace at both ends.
    func trimmingPythonWhitespace() -> Substring {
        var result = Substring(self)
        while let first = result.first, first.isWhitespace { result = result.dropFirst() }
        while let last = result.last, last.isWhitespace { result = result.dropLast() }
        return result
    }
}
