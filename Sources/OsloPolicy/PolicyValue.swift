/// A value in a policy target or in the credentials: what oslo.policy receives as Python objects.
///
/// Checks compare values the way oslo.policy does, by their Python `str()`: `true` is `"True"`,
/// `nil` is `"None"`, `3` is `"3"`. That is why `is_admin:True` matches a boolean credential and
/// `is_admin:true` does not.
///
/// ```swift
/// let target: [String: PolicyValue] = ["project_id": "p1", "shared": true, "network:project_id": "p2"]
/// ```
public enum PolicyValue: Sendable, Hashable {
    /// A string, compared as it is.
    case string(String)
    /// A boolean, `True` or `False` to the checks.
    case bool(Bool)
    /// An integer.
    case int(Int)
    /// A floating-point number, as Python prints a float (`2.0`).
    case double(Double)
    /// Python's `None`.
    case null
    /// A list: a generic check on it matches when any element does.
    case list([PolicyValue])
    /// A nested dictionary, reached by dotted paths (`token.project.id`).
    case object([String: PolicyValue])

    /// The value as Python's `str()` renders it, which is what every oslo check compares.
    public var pythonString: String {
        switch self {
        case .string(let string): string
        default: pythonRepresentation
        }
    }

    /// Python's `repr()`, used for strings nested in lists and dictionaries.
    var pythonRepresentation: String {
        switch self {
        case .string(let string):
            // Python picks double quotes only when the string holds a single quote and no double quote.
            let quote: Character = string.contains("'") && !string.contains("\"") ? "\"" : "'"
            var text = String(quote)
            for character in string {
                if character == "\\" || character == quote { text.append("\\") }
                text.append(character)
            }
            text.append(quote)
            return text
        case .bool(let bool): return bool ? "True" : "False"
        case .int(let int): return String(int)
        case .double(let double): return Self.pythonFloat(double)
        case .null: return "None"
        case .list(let list): return "[" + list.map(\.pythonRepresentation).joined(separator: ", ") + "]"
        case .object(let object):
            let items = object.keys.sorted().map { "'\($0)': \(object[$0]!.pythonRepresentation)" }
            return "{" + items.joined(separator: ", ") + "}"
        }
    }

    /// Python's float `repr`: the shortest round-tripping digits, always with a decimal point or exponent.
    static func pythonFloat(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        let text = value.description
        return text.contains(".") || text.contains("e") ? text : text + ".0"
    }

    /// The member at `key` when this is an object.
    public subscript(key: String) -> PolicyValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }
}

extension PolicyValue: ExpressibleByStringLiteral {
    /// A string value.
    public init(stringLiteral value: String) { self = .string(value) }
}

extension PolicyValue: ExpressibleByBooleanLiteral {
    /// A boolean value.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension PolicyValue: ExpressibleByIntegerLiteral {
    /// An integer value.
    public init(integerLiteral value: Int) { self = .int(value) }
}

extension PolicyValue: ExpressibleByFloatLiteral {
    /// A floating-point value.
    public init(floatLiteral value: Double) { self = .double(value) }
}

extension PolicyValue: ExpressibleByNilLiteral {
    /// Python's `None`.
    public init(nilLiteral: ()) { self = .null }
}

extension PolicyValue: ExpressibleByArrayLiteral {
    /// A list value.
    public init(arrayLiteral elements: PolicyValue...) { self = .list(elements) }
}

extension PolicyValue: ExpressibleByDictionaryLiteral {
    /// An object value (a nested dictionary).
    public init(dictionaryLiteral elements: (String, PolicyValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
