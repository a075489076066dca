/// The right side of a check: literal text with `%(key)s` substitutions from the target.
///
/// oslo.policy formats it with Python's `match % target`, so `%(network:project_id)s` names the flat
/// target key `network:project_id` and `%%` is a literal `%`. A key the target lacks makes the check
/// false (oslo catches the `KeyError`). A key with a dot that is not itself a target key is looked up
/// through nested objects (`%(port.project_id)s`), as Keystone's flattened targets would give it.
///
/// Only the `s` conversion is accepted: oslo would fail at evaluation on anything else, this fails at load.
public struct PolicyTemplate: Sendable, Hashable, CustomStringConvertible {
    /// One piece of the template.
    public enum Segment: Sendable, Hashable {
        /// Text taken as it is (`%%` already read as `%`).
        case literal(String)
        /// `%(key)s`: `str()` of the target's value at `key`.
        case substitution(String)
    }

    /// The pieces, in order.
    public var segments: [Segment]

    /// A template of literal text only.
    public init(literal: String) {
        segments = literal.isEmpty ? [] : [.literal(literal)]
    }

    /// Parses `text` as a Python `%`-format with a mapping.
    public init(parsing text: String) throws(PolicyError) {
        var segments: [Segment] = []
        var literal = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            index = text.index(after: index)
            guard character == "%" else {
                literal.append(character)
                continue
            }
            guard index < text.endIndex else {
                throw PolicyError(.syntax, "'\(text)' ends with a lone '%' (write '%%' for a percent sign)")
            }
            if text[index] == "%" {
                literal.append("%")
                index = text.index(after: index)
                continue
            }
            guard text[index] == "(" else {
                throw PolicyError(.syntax, "'\(text)' has a '%' that is not '%(key)s' (write '%%' for a percent sign)")
            }
            // Python counts nested parentheses inside the key.
            var depth = 1
            var key = ""
            index = text.index(after: index)
            while index < text.endIndex {
                let next = text[index]
                if next == "(" { depth += 1 }
                if next == ")" {
                    depth -= 1
                    if depth == 0 { break }
                }
                key.append(next)
                index = text.index(after: index)
            }
            guard index < text.endIndex else { throw PolicyError(.syntax, "'\(text)' has an unclosed '%('") }
            index = text.index(after: index)
            guard index < text.endIndex, text[index] == "s" else {
                throw PolicyError(.syntax, "'\(text)' substitutes '%(\(key))' without 's': only %(key)s is supported")
            }
            index = text.index(after: index)
            if !literal.isEmpty {
                segments.append(.literal(literal))
                literal = ""
            }
            segments.append(.substitution(key))
        }
        if !literal.isEmpty { segments.append(.literal(literal)) }
        self.segments = segments
    }

    /// The template as written in a rule.
    public var description: String {
        segments.map { segment in
            switch segment {
            case .literal(let text): text.replacing("%", with: "%%")
            case .substitution(let key): "%(\(key))s"
            }
        }.joined()
    }

    /// The text with every key substituted by `str(target[key])`, or `nil` when the target lacks a key.
    public func render(_ target: [String: PolicyValue]) -> String? {
        var text = ""
        for segment in segments {
            switch segment {
            case .literal(let literal): text += literal
            case .substitution(let key):
                guard let value = Self.lookUp(key, in: target) else { return nil }
                text += value.pythonString
            }
        }
        return text
    }

    /// `target[key]`, else the dotted path through nested objects.
    static func lookUp(_ key: String, in target: [String: PolicyValue]) -> PolicyValue? {
        if let value = target[key] { return value }
        let path = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard path.count > 1, var value = target[path[0]] else { return nil }
        for component in path.dropFirst() {
            guard let next = value[component] else { return nil }
            value = next
        }
        return value
    }
}
