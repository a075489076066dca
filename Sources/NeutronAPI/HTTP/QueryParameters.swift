/// A request's query string as ordered key/value pairs, percent-decoded (keys too) with `+` as space.
///
/// Neutron treats repeated keys as OR filters, so order and repetition are kept.
public struct QueryParameters: Sendable {
    public private(set) var pairs: [(key: String, value: String)]

    public init(_ query: String?) {
        pairs = []
        guard let query, !query.isEmpty else { return }
        for part in query.split(separator: "&", omittingEmptySubsequences: true) {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = Self.decode(pieces[0])
            let value = pieces.count > 1 ? Self.decode(pieces[1]) : ""
            pairs.append((key, value))
        }
    }

    /// Every value given for `key`, in order.
    public func values(_ key: String) -> [String] {
        pairs.filter { $0.key == key }.map(\.value)
    }

    public func first(_ key: String) -> String? {
        pairs.first { $0.key == key }?.value
    }

    /// `fields=a&fields=b`: the attributes to return, nil (no `fields` key) for all of them.
    ///
    /// As in Neutron, a value is one attribute name: `fields=a,b` asks for an attribute named
    /// `a,b`, and `fields=` for one named `""`, so both return none.
    public var fields: Set<String>? {
        let names = values("fields")
        return names.isEmpty ? nil : Set(names)
    }

    /// The keys in order of first appearance.
    public var keys: [String] {
        var seen = Set<String>()
        return pairs.map(\.key).filter { seen.insert($0).inserted }
    }

    /// `application/x-www-form-urlencoded` text of `pairs`, as Python's `urlencode` writes it
    /// (space as `+`, everything but letters, digits and `-_.~` percent-encoded).
    public static func encode(_ pairs: [(key: String, value: String)]) -> String {
        pairs.map { encodeComponent($0.key) + "=" + encodeComponent($0.value) }.joined(separator: "&")
    }

    static func encodeComponent(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "):
                result += "+"
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                result += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return result
    }

    static func decode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
