import PortwatchCore

/// An attribute value as filters and sorting see it.
enum FieldValue: Comparable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case list([String])

    /// Python's sort order for Neutron's emulated sorting: None before any value.
    static func < (lhs: FieldValue, rhs: FieldValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return false
        case (.null, _): return true
        case (_, .null): return false
        case (.bool(let a), .bool(let b)): return !a && b
        case (.int(let a), .int(let b)): return a < b
        case (.string(let a), .string(let b)): return a < b
        case (.list(let a), .list(let b)): return a.lexicographicallyPrecedes(b)
        default: return false
        }
    }

    /// Whether this attribute value matches one query-string value of a filter.
    func matches(_ query: String, attribute: String) throws(NeutronError) -> Bool {
        switch self {
        case .null: return false
        case .bool(let flag):
            guard let wanted = AttributeReader.convertToBoolean(.string(query)) else {
                throw .invalidInput("'\(query)' cannot be converted to boolean")
            }
            return flag == wanted
        case .int(let number):
            guard let wanted = Int(query) else { throw .invalidInput("'\(query)' is not an integer") }
            return number == wanted
        case .string(let text): return text == query
        case .list(let items): return items.contains(query)
        }
    }
}
