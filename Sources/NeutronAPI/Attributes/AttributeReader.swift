import PortwatchCore

/// Converts and validates request attributes with Neutron's validators and messages.
///
/// A validator failure is 400 `"Invalid input for <attr>. Reason: <reason>."`; a converter failure
/// (booleans, integers) is 400 InvalidInput, as neutron-lib raises them.
struct AttributeReader {
    let object: [String: JSONValue]

    func has(_ name: String) -> Bool { object[name] != nil }

    static func invalid(_ attribute: String, _ reason: String) -> NeutronError {
        .badRequest("Invalid input for \(attribute). Reason: \(reason).")
    }

    func string(_ name: String, maxLength: Int = 255) throws(NeutronError) -> String? {
        guard let value = object[name] else { return nil }
        guard case .string(let text) = value else {
            throw Self.invalid(name, "'\(value.pythonDescription)' is not a valid string")
        }
        if text.count > maxLength { throw Self.invalid(name, "'\(text)' exceeds maximum length of \(maxLength)") }
        return text
    }

    func bool(_ name: String) throws(NeutronError) -> Bool? {
        guard let value = object[name] else { return nil }
        if let converted = Self.convertToBoolean(value) { return converted }
        throw .invalidInput("'\(value.pythonDescription)' cannot be converted to boolean")
    }

    /// oslo's `bool_from_string(strict=True)` as neutron-lib's `convert_to_boolean` calls it: a
    /// boolean as is, anything else as its Python `str()`, stripped and case-folded, one of
    /// `1 t true on y yes` or `0 f false off n no`.
    static func convertToBoolean(_ value: JSONValue) -> Bool? {
        if case .bool(let flag) = value { return flag }
        let text = value.pythonDescription.trimmingPythonWhitespace().lowercased()
        if trueStrings.contains(text) { return true }
        if falseStrings.contains(text) { return false }
        return nil
    }

    private static let trueStrings: Set<String> = ["1", "t", "true", "on", "y", "yes"]
    private static let falseStrings: Set<String> = ["0", "f", "false", "off", "n", "no"]

    func int(_ name: String) throws(NeutronError) -> Int? {
        guard let value = object[name] else { return nil }
        switch value {
        case .int(let number): return Int(number)
        case .string(let text) where Int(text) != nil: return Int(text)
        default: throw .invalidInput("'\(value.pythonDescription)' is not an integer")
        }
    }

    func uuid(_ name: String) throws(NeutronError) -> String? {
        guard let value = object[name] else { return nil }
        guard case .string(let text) = value, Self.isUUID(text) else {
            throw Self.invalid(name, "'\(value.pythonDescription)' is not a valid UUID")
        }
        return text
    }

    /// A MAC address in any form netaddr reads, written as Neutron stores it (``MACAddressConverter``).
    func mac(_ name: String) throws(NeutronError) -> String? {
        guard let value = object[name] else { return nil }
        switch MACAddressConverter.convert(value) {
        case .success(let address): return address
        case .failure(let invalid): throw Self.invalid(name, invalid.reason)
        }
    }

    func dictionary(_ name: String) throws(NeutronError) -> [String: JSONValue]? {
        guard let value = object[name] else { return nil }
        switch value {
        case .null: return [:]
        case .object(let dictionary): return dictionary
        default: throw Self.invalid(name, "'\(value.pythonDescription)' is not a dictionary")
        }
    }

    func stringList(_ name: String, maxLength: Int = 255, uuids: Bool = false) throws(NeutronError) -> [String]? {
        guard let value = object[name] else { return nil }
        if value.isNull { return [] }
        guard let items = value.arrayValue else {
            throw Self.invalid(name, "'\(value.pythonDescription)' is not a list")
        }
        var result: [String] = []
        for item in items {
            guard case .string(let text) = item else {
                throw Self.invalid(name, "'\(item.pythonDescription)' is not a valid string")
            }
            if uuids, !Self.isUUID(text) { throw Self.invalid(name, "'\(text)' is not a valid UUID") }
            if text.count > maxLength { throw Self.invalid(name, "'\(text)' exceeds maximum length of \(maxLength)") }
            result.append(text)
        }
        return result
    }

    /// neutron-lib's `type:values`, whose message names no value: `bogus is not in valid_values`.
    /// neutron-lib's `type:list_of_unique_strings` (the tags of a port create): duplicates are named
    /// first, in the order they repeat.
    func uniqueStringList(_ name: String, maxLength: Int = 255, uuids: Bool = false) throws(NeutronError) -> [String]? {
        guard let value = object[name] else { return nil }
        guard let items = value.arrayValue else {
            throw Self.invalid(name, "'\(value.pythonDescription)' is not a list")
        }
        var seen: [JSONValue] = []
        var duplicates: [JSONValue] = []
        for item in items {
            if seen.contains(item) {
                if !duplicates.contains(item) { duplicates.append(item) }
            } else {
                seen.append(item)
            }
        }
        if !duplicates.isEmpty {
            let shown = duplicates.map(\.pythonDescription).joined(separator: ", ")
            throw Self.invalid(name, "Duplicate items in the list: '\(shown)'")
        }
        return try stringList(name, maxLength: maxLength, uuids: uuids)
    }

    func values(_ name: String, _ valid: [String]) throws(NeutronError) -> String? {
        guard let value = object[name] else { return nil }
        guard case .string(let text) = value, valid.contains(text) else {
            throw Self.invalid(name, "\(value.pythonDescription) is not in valid_values")
        }
        return text
    }

    static func isUUID(_ text: String) -> Bool {
        let hex = text.filter { $0 != "-" }
        guard hex.count == 32, hex.allSatisfy(\.isHexDigit) else { return false }
        return text.count == 32 || text.count == 36
    }

    static func isIPAddress(_ text: String) -> Bool {
        let address = text.split(separator: "/", maxSplits: 1).first.map(String.init) ?? text
        if address.contains(":") {
            return address.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." } && address.count >= 2
        }
        let octets = address.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.allSatisfy { UInt8($0) != nil }
    }
}
