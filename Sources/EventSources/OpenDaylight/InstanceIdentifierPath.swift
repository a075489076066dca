/// A RESTCONF instance-identifier path as OpenDaylight writes it in data-change events, split into
/// nodes with their module prefixes removed.
///
/// ```swift
/// let path = InstanceIdentifierPath(
///     "/opendaylight-inventory:nodes/opendaylight-inventory:node[opendaylight-inventory:id='openflow:1']")
/// path.nodes.last?.name         // "node"
/// path.nodes.last?.keys["id"]   // "openflow:1"
/// ```
struct InstanceIdentifierPath: Sendable, Hashable {
    /// One step of the path: a node name and its key predicates.
    struct Node: Sendable, Hashable {
        /// The local name (`node-connector`).
        var name: String
        /// Key predicates by local name (`["id": "openflow:1:2"]`).
        var keys: [String: String]
    }

    var nodes: [Node]

    init(_ text: String) {
        var nodes: [Node] = []
        var current = ""
        var quote: Character?
        var depth = 0
        for character in text {
            if let open = quote {
                if character == open { quote = nil }
                current.append(character)
            } else if character == "'" || character == "\"" {
                quote = character
                current.append(character)
            } else if character == "[" {
                depth += 1
                current.append(character)
            } else if character == "]" {
                depth -= 1
                current.append(character)
            } else if character == "/" && depth == 0 {
                if !current.isEmpty { nodes.append(Self.node(current)) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { nodes.append(Self.node(current)) }
        self.nodes = nodes
    }

    /// The last node called `name` and its position.
    func last(_ name: String) -> (index: Int, node: Node)? {
        guard let index = nodes.lastIndex(where: { $0.name == name }) else { return nil }
        return (index, nodes[index])
    }

    static func localName(_ qualified: some StringProtocol) -> String {
        let trimmed = qualified.trimmingCharactersInSpaces()
        guard let colon = trimmed.lastIndex(of: ":") else { return trimmed }
        return String(trimmed[trimmed.index(after: colon)...])
    }

    private static func node(_ text: String) -> Node {
        guard let bracket = text.firstIndex(of: "[") else { return Node(name: localName(text), keys: [:]) }
        var keys: [String: String] = [:]
        var rest = text[bracket...]
        while rest.first == "[", let equals = rest.firstIndex(of: "=") {
            let key = localName(rest[rest.index(after: rest.startIndex)..<equals])
            var valueStart = rest.index(after: equals)
            guard valueStart < rest.endIndex else { break }
            let quote = rest[valueStart]
            let value: Substring
            if quote == "'" || quote == "\"" {
                valueStart = rest.index(after: valueStart)
                guard let close = rest[valueStart...].firstIndex(of: quote) else { break }
                value = rest[valueStart..<close]
                rest = rest[rest.index(after: close)...]
            } else {
                guard let close = rest[valueStart...].firstIndex(of: "]") else { break }
                value = rest[valueStart..<close]
                rest = rest[close...]
            }
            keys[key] = String(value)
            guard let close = rest.firstIndex(of: "]") else { break }
            rest = rest[rest.index(after: close)...]
        }
        return Node(name: localName(text[..<bracket]), keys: keys)
    }
}

extension StringProtocol {
    fileprivate func trimmingCharactersInSpaces() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
