import Foundation
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
    ///
    /// Values of attributes with a ``FilterConversion`` were checked when the query was parsed; the
    /// others compare as text, so `revision_number=x` matches nothing, as in Neutron.
    func matches(_ query: String) -> Bool {
        switch self {
        case .null: return false
        case .bool(let flag): return AttributeReader.convertToBoolean(.string(query)) == flag
        case .int(let number): return Int(query.trimmingCharacters(in: .whitespacesAndNewlines)) == number
        case .string(let text): return text == query
        case .list(let items): return items.contains(query)
        }
    }
}

/// How Neutron converts a filter's query-string values before it filters (the attribute's
/// `convert_to`); a value that does not convert is 400, whatever else the query says.
enum FilterConversion: Sendable {
    /// `convert_to_boolean`: "'x' cannot be converted to boolean".
    case boolean
    /// `convert_to_int`: "'x' is not an integer".
    case integer
    /// `fixed_ips`' `<key>=[value]` form.
    case keyValue

    /// Throws Neutron's InvalidInput for a `value` this conversion refuses.
    func check(_ value: String) throws(NeutronError) {
        switch self {
        case .boolean:
            if AttributeReader.convertToBoolean(.string(value)) == nil {
                throw .invalidInput("'\(value)' cannot be converted to boolean")
            }
        case .integer:
            if Int(value.trimmingCharacters(in: .whitespacesAndNewlines)) == nil {
                throw .invalidInput("'\(value)' is not an integer")
            }
        case .keyValue:
            if !value.contains("=") { throw .invalidInput("'\(value)' is not of the form <key>=[value]") }
        }
    }
}
