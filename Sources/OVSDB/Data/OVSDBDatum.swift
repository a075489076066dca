/// One OVSDB atom (RFC 7047 §5.1): a string, integer, real, boolean or UUID.
public enum OVSDBAtom: Sendable, Hashable, CustomStringConvertible {
    case string(String)
    case integer(Int)
    case real(Double)
    case boolean(Bool)
    /// `["uuid", "…"]`: a row reference.
    case uuid(String)
    /// `["named-uuid", "…"]`: a row named earlier in the same transaction.
    case namedUUID(String)

    /// Decodes an atom from its JSON form.
    public init(json: JSONValue) throws(OVSDBError) {
        switch json {
        case .string(let value): self = .string(value)
        case .integer(let value): self = .integer(value)
        case .real(let value): self = .real(value)
        case .bool(let value): self = .boolean(value)
        case .array(let pair) where pair.count == 2:
            switch (pair[0], pair[1]) {
            case (.string("uuid"), .string(let id)): self = .uuid(id)
            case (.string("named-uuid"), .string(let name)): self = .namedUUID(name)
            default: throw OVSDBError(code: .malformedMessage, message: "not an OVSDB atom: \(json)")
            }
        default:
            throw OVSDBError(code: .malformedMessage, message: "not an OVSDB atom: \(json)")
        }
    }

    /// The JSON form of the atom.
    public var json: JSONValue {
        switch self {
        case .string(let value): .string(value)
        case .integer(let value): .integer(value)
        case .real(let value): .real(value)
        case .boolean(let value): .bool(value)
        case .uuid(let id): ["uuid", .string(id)]
        case .namedUUID(let name): ["named-uuid", .string(name)]
        }
    }

    public var description: String {
        switch self {
        case .string(let value): value
        case .integer(let value): String(value)
        case .real(let value): String(value)
        case .boolean(let value): String(value)
        case .uuid(let id), .namedUUID(let id): id
        }
    }
}

/// The value of one OVSDB column (RFC 7047 §5.1): an atom, a set of atoms or a map.
///
/// A set of one element may arrive as the bare atom, and an optional column (`min: 0, max: 1`) is a
/// set of zero or one; the accessors (``string``, ``integer``, ``stringMap``) read both shapes.
///
/// ```swift
/// let ids = try OVSDBDatum(json: ["map", [["iface-id", "5d0c…"]]]).stringMap  // ["iface-id": "5d0c…"]
/// let ofport = try OVSDBDatum(json: ["set", []]).integer                       // nil
/// ```
public enum OVSDBDatum: Sendable, Hashable {
    case atom(OVSDBAtom)
    case set([OVSDBAtom])
    case map([OVSDBAtom: OVSDBAtom])

    /// Decodes a column value from its JSON form.
    public init(json: JSONValue) throws(OVSDBError) {
        if case .array(let pair) = json, pair.count == 2, case .string(let tag) = pair[0] {
            switch tag {
            case "set":
                guard case .array(let elements) = pair[1] else {
                    throw OVSDBError(code: .malformedMessage, message: "an OVSDB set without elements: \(json)")
                }
                var atoms: [OVSDBAtom] = []
                for element in elements { atoms.append(try OVSDBAtom(json: element)) }
                self = .set(atoms)
                return
            case "map":
                guard case .array(let pairs) = pair[1] else {
                    throw OVSDBError(code: .malformedMessage, message: "an OVSDB map without pairs: \(json)")
                }
                var map: [OVSDBAtom: OVSDBAtom] = [:]
                for element in pairs {
                    guard case .array(let keyValue) = element, keyValue.count == 2 else {
                        throw OVSDBError(code: .malformedMessage, message: "an OVSDB map pair is not [key, value]")
                    }
                    map[try OVSDBAtom(json: keyValue[0])] = try OVSDBAtom(json: keyValue[1])
                }
                self = .map(map)
                return
            default:
                break
            }
        }
        self = .atom(try OVSDBAtom(json: json))
    }

    /// The atoms of the value: one for an atom, the elements of a set, none for a map.
    public var atoms: [OVSDBAtom] {
        switch self {
        case .atom(let atom): [atom]
        case .set(let atoms): atoms
        case .map: []
        }
    }

    /// The single string atom, or `nil` for an empty optional column.
    public var string: String? {
        guard atoms.count == 1, case .string(let value) = atoms[0] else { return nil }
        return value
    }

    /// The single integer atom, or `nil` for an empty optional column.
    public var integer: Int? {
        guard atoms.count == 1, case .integer(let value) = atoms[0] else { return nil }
        return value
    }

    /// The single UUID atom, or `nil`.
    public var uuid: String? {
        guard atoms.count == 1, case .uuid(let value) = atoms[0] else { return nil }
        return value
    }

    /// A string-to-string map (`external_ids`, `other_config`); empty for anything else.
    public var stringMap: [String: String] {
        guard case .map(let map) = self else { return [:] }
        var result: [String: String] = [:]
        for (key, value) in map {
            if case .string(let key) = key, case .string(let value) = value { result[key] = value }
        }
        return result
    }
}
