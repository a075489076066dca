/// Reads the plain JSON that request bodies, notification payloads and stored documents almost always
/// are, without Foundation's decoder: objects, arrays, strings without escapes, integers, `true`,
/// `false` and `null`. For anything else (an escape, a fraction or exponent, an integer outside
/// `Int64`, `-0`, a repeated key, invalid UTF-8, any syntax error) it answers nil, and
/// ``JSONValue/parse(_:)`` asks Foundation, whose reading (and error) is then the answer. So the result
/// is always Foundation's: `JSONValueReadingTests` compares the two on mutated documents.
struct PlainJSONReader {
    private let bytes: UnsafeRawBufferPointer
    private var index = 0

    /// The value `bytes` hold, or nil when Foundation must read them.
    static func read(_ bytes: UnsafeRawBufferPointer) -> JSONValue? {
        var reader = PlainJSONReader(bytes: bytes)
        guard let value = reader.value() else { return nil }
        reader.skipWhitespace()
        return reader.index == bytes.count ? value : nil
    }

    private init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func value() -> JSONValue? {
        skipWhitespace()
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "{"): return object()
        case UInt8(ascii: "["): return array()
        case UInt8(ascii: "\""): return string().map(JSONValue.string)
        case UInt8(ascii: "t"): return literal("true", .bool(true))
        case UInt8(ascii: "f"): return literal("false", .bool(false))
        case UInt8(ascii: "n"): return literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return integer()
        default: return nil
        }
    }

    private mutating func object() -> JSONValue? {
        index += 1
        var object: [String: JSONValue] = [:]
        if consume(UInt8(ascii: "}")) { return .object(object) }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let key = string(),
                consume(UInt8(ascii: ":")), let value = value(), object.updateValue(value, forKey: key) == nil,
                let closed = separator(closing: UInt8(ascii: "}"))
            else { return nil }
            if closed { return .object(object) }
        }
    }

    private mutating func array() -> JSONValue? {
        index += 1
        var array: [JSONValue] = []
        if consume(UInt8(ascii: "]")) { return .array(array) }
        while true {
            guard let value = value(), let closed = separator(closing: UInt8(ascii: "]")) else { return nil }
            array.append(value)
            if closed { return .array(array) }
        }
    }

    /// Skips whitespace, then consumes `byte` if it comes next.
    private mutating func consume(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// After a member or an element: true at `close`, false at a comma (either consumed), nil otherwise.
    private mutating func separator(closing close: UInt8) -> Bool? {
        if consume(UInt8(ascii: ",")) { return false }
        return consume(close) ? true : nil
    }

    /// A string with no escape and no control character, its UTF-8 valid.
    private mutating func string() -> String? {
        index += 1
        let start = index
        var ascii = true
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
                index += 1
                if ascii { return String(decoding: text, as: UTF8.self) }
                return String(validating: text, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
            if byte >= 0x80 { ascii = false }
            index += 1
        }
        return nil
    }

    private mutating func literal(_ text: StaticString, _ value: JSONValue) -> JSONValue? {
        let count = text.utf8CodeUnitCount
        guard bytes.count - index >= count else { return nil }
        for offset in 0..<count where bytes[index + offset] != text.utf8Start[offset] { return nil }
        index += count
        return value
    }

    /// `-?(0|[1-9][0-9]*)` within `Int64`, not `-0`, not followed by a fraction or exponent.
    private mutating func integer() -> JSONValue? {
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        let start = index
        var magnitude: UInt64 = 0
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(bytes[index] - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return nil }
            magnitude = sum
            index += 1
        }
        let digits = index - start
        guard digits > 0, digits == 1 || bytes[start] != UInt8(ascii: "0") else { return nil }
        if index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): return nil
            default: break
            }
        }
        if negative {
            guard magnitude > 0, magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return .int(magnitude == UInt64(Int64.max) + 1 ? .min : -Int64(magnitude))
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return .int(Int64(magnitude))
    }
}
