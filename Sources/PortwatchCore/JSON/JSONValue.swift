import Foundation

/// A JSON document of any shape, for attributes whose contents are defined by a back end
/// (`binding:profile`, `binding:vif_details`) and for request bodies before validation.
///
/// Integers and floating-point numbers are kept apart so that `{"vlan": 100}` round-trips as `100`,
/// not `100.0`.
public enum JSONValue: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        // A single-value container cannot say what it holds, so each kind is tried in turn, and a
        // wrong guess costs a thrown DecodingError (with its message). Objects and strings come
        // first: they make up most of a request body, so most values cost no error at all.
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode([String: JSONValue].self) {
            self = .object(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else {
            self = .double(try container.decode(Double.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// The deepest nesting ``parse(_:)`` accepts (Neutron's bodies nest four or five levels).
    public static let maxNestingDepth = 64

    /// Why ``parse(_:)`` refused a document before decoding it.
    public struct NestingTooDeep: Error, Sendable {
        public init() {}
    }

    /// Parses UTF-8 JSON text; arrays and objects nested deeper than ``maxNestingDepth`` throw
    /// ``NestingTooDeep`` before anything is decoded (the decoder recurses per level). Plain JSON is
    /// read without Foundation's decoder (``PlainJSONReader``), with the same result.
    public static func parse(_ bytes: some Collection<UInt8>) throws -> JSONValue {
        if exceedsNestingDepth(bytes, limit: maxNestingDepth) { throw NestingTooDeep() }
        let plain =
            bytes.withContiguousStorageIfAvailable { PlainJSONReader.read(UnsafeRawBufferPointer($0)) }
            ?? Array(bytes).withUnsafeBytes(PlainJSONReader.read)
        if let plain { return plain }
        return try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }

    /// Whether `bytes` open more than `limit` arrays or objects at once (strings are skipped, so
    /// brackets inside them do not count). A linear scan that allocates nothing.
    public static func exceedsNestingDepth(_ bytes: some Collection<UInt8>, limit: Int) -> Bool {
        // Over contiguous bytes (a request body) the scan is a loop over memory, not over another
        // module's collection, element by element, through its protocol.
        bytes.withContiguousStorageIfAvailable {
            exceedsNestingDepth(scanning: UnsafeRawBufferPointer($0), limit: limit)
        } ?? exceedsNestingDepth(scanning: bytes, limit: limit)
    }

    private static func exceedsNestingDepth(scanning bytes: some Collection<UInt8>, limit: Int) -> Bool {
        var depth = 0
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > limit { return true }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return false
    }

    /// The string, when this is a string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The object, when this is an object.
    public var objectValue: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// The array, when this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The boolean, when this is a boolean.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// Whether this is JSON `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// Python's `str()` of the value, which Neutron quotes in its validation messages.
    public var pythonDescription: String {
        switch self {
        case .null: return "None"
        case .bool(let value): return value ? "True" : "False"
        case .int(let value): return String(value)
        case .double(let value): return String(value)
        case .string(let value): return value
        case .array(let values): return "[" + values.map(\.pythonRepr).joined(separator: ", ") + "]"
        case .object(let object):
            return "{" + object.keys.sorted().map { "'\($0)': \(object[$0]!.pythonRepr)" }.joined(separator: ", ") + "}"
        }
    }

    /// Python's `repr()` of the value.
    public var pythonRepr: String {
        if case .string(let value) = self { return "'\(value)'" }
        return pythonDescription
    }
}
