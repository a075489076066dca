extension PolicyCheck {
    /// What a check is evaluated against: the target, the credential dictionary and the rules `rule:` names.
    struct Context {
        var target: [String: PolicyValue]
        var credentials: [String: PolicyValue]
        var rules: [String: PolicyCheck]
        /// The rules being evaluated, innermost last: a `rule:` back into one of them is false, not a hang.
        var evaluating: [String] = []
    }

    /// The check's verdict, as oslo.policy's `__call__` of each check class gives it.
    func evaluate(_ context: inout Context) -> Bool {
        switch self {
        case .allow:
            return true
        case .deny:
            return false
        case .rule(let name):
            // oslo recurses until Python's stack overflows; the loader rejects cycles, and this keeps
            // a check built by hand from hanging.
            guard let check = context.rules[name], !context.evaluating.contains(name) else { return false }
            context.evaluating.append(name)
            defer { context.evaluating.removeLast() }
            return check.evaluate(&context)
        case .role(let template):
            guard let role = template.render(context.target)?.lowercased(),
                case .list(let roles) = context.credentials["roles"]
            else { return false }
            return roles.contains { $0.pythonString.lowercased() == role }
        case .owner(let kind, let field):
            guard let owner = PolicyTemplate.lookUp(field, in: context.target),
                let credential = context.credentials[kind]
            else { return false }
            return owner.pythonString == credential.pythonString
        case .field(let field):
            return field.matches(context.target)
        case .generic(let generic):
            guard let match = generic.match.render(context.target) else { return false }
            switch generic.subject {
            case .literal(let literal): return match == literal
            case .credential(let path): return Self.find(match, along: path[...], in: .object(context.credentials))
            }
        case .not(let check):
            return !check.evaluate(&context)
        case .and(let checks):
            for check in checks where !check.evaluate(&context) { return false }
            return true
        case .or(let checks):
            for check in checks where check.evaluate(&context) { return true }
            return false
        }
    }

    /// oslo's `GenericCheck._find_in_dict`: follow `path` through objects; a list matches if any element does.
    private static func find(_ match: String, along path: ArraySlice<String>, in value: PolicyValue) -> Bool {
        guard let key = path.first else { return match == value.pythonString }
        guard let next = value[key] else { return false }
        if case .list(let elements) = next {
            return elements.contains { find(match, along: path.dropFirst(), in: $0) }
        }
        return find(match, along: path.dropFirst(), in: next)
    }
}

extension PolicyCheck.FieldMatch {
    /// Neutron's `FieldCheck.__call__` on a target whose parents' values are already in it.
    func matches(_ target: [String: PolicyValue]) -> Bool {
        var value = target[field]
        if value == nil, resource == "networks", field == "shared" {
            // Neutron loads the port's network here; Portwatch's caller puts its value in the target.
            value = target["network:shared"]
        }
        guard let value else { return false }
        if let regex {
            guard case .string(let text) = value else { return false }
            return regex.matchesPrefix(of: text)
        }
        switch value {
        case .null, .list, .object: return false
        case .string(let text): return text == self.value
        case .bool(let bool): return Self.neutronBoolean(self.value) == bool
        case .int(let int): return Int(self.value) == int
        case .double(let double): return Double(self.value) == double
        }
    }

    /// neutron-lib's `convert_to_boolean` (oslo's `bool_from_string`, strict): `nil` when the text is not one.
    static func neutronBoolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "1", "t", "true", "on", "y", "yes": true
        case "0", "f", "false", "off", "n", "no": false
        default: nil
        }
    }
}
