import PortwatchCore

extension JSONValue {
    /// The member `name` of an object, also found under a YANG module prefix (`"prefix:name"`).
    func field(_ name: String) -> JSONValue? {
        guard let object = objectValue else { return nil }
        if let value = object[name] { return value }
        let suffix = ":" + name
        return object.first { $0.key.hasSuffix(suffix) }?.value
    }

    /// The first of `names` that is present.
    func field(_ names: [String]) -> JSONValue? {
        for name in names {
            if let value = field(name) { return value }
        }
        return nil
    }

    /// A scalar as text: strings as they are, numbers and booleans written out, and RESTCONF's
    /// XML-derived `{"content": ...}` wrapper unwrapped.
    var text: String? {
        switch self {
        case .string(let value): value
        case .int(let value): String(value)
        case .double(let value): String(value)
        case .bool(let value): value ? "true" : "false"
        case .object(let object): object["content"]?.text
        default: nil
        }
    }

    /// A boolean, also from `"true"`/`"false"` text and `{"content": "true"}`.
    var flag: Bool? {
        switch self {
        case .bool(let value): value
        case .string(let value):
            switch value.lowercased() {
            case "true": true
            case "false": false
            default: nil
            }
        case .object(let object): object["content"]?.flag
        default: nil
        }
    }

    /// A non-empty text member.
    func string(_ names: String...) -> String? {
        guard let text = field(names)?.text, !text.isEmpty else { return nil }
        return text
    }

    /// Depth-first search for the first member called `name` (module prefixes ignored).
    func firstDescendant(named name: String) -> JSONValue? {
        switch self {
        case .object(let object):
            if let value = field(name) { return value }
            for key in object.keys.sorted() {
                if let found = object[key]!.firstDescendant(named: name) { return found }
            }
            return nil
        case .array(let values):
            for value in values {
                if let found = value.firstDescendant(named: name) { return found }
            }
            return nil
        default:
            return nil
        }
    }

    /// A short rendering for messages.
    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .array: "a list"
        case .object: "an object"
        }
    }
}
