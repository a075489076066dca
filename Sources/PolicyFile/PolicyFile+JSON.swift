import Foundation
import OsloPolicy

extension PolicyFile {
    /// A JSON object of rule names to rule strings (an old `policy.json`), each with the line of its key.
    ///
    /// Foundation parses and checks the document; the lines come from a scan of the object's keys at
    /// the top level, which also keeps their order and a key written twice (the rules report both lines).
    static func jsonOverrides(_ text: String, path: String) throws(PolicyFileError) -> [PolicyRules.Override] {
        if text.allSatisfy(\.isWhitespace) { return [] }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        } catch {
            let problem = Self.jsonProblem(error)
            throw PolicyFileError(
                .syntax, path: path, line: Self.line(ofProblem: problem, in: text), "is not valid JSON: \(problem)")
        }
        guard let rules = object as? [String: Any] else {
            throw PolicyFileError(
                .shape, path: path, "must be an object of rule names to rules ({\"get_port\": \"role:reader\"})")
        }
        var overrides: [PolicyRules.Override] = []
        for (name, line) in topLevelKeys(text) {
            guard let rule = rules[name] as? String else {
                throw PolicyFileError(
                    .shape, path: path, line: line, "policy rule \"\(name)\": the rule must be a string")
            }
            overrides.append((name, rule, line))
        }
        return overrides
    }

    /// The keys of the top-level object of a valid JSON document, in order, with their 1-based lines.
    static func topLevelKeys(_ text: String) -> [(name: String, line: Int)] {
        var keys: [(name: String, line: Int)] = []
        let bytes = Array(text.utf8)
        var line = 1
        var depth = 0
        var index = 0
        var expectingKey = false
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\n"):
                line += 1
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                expectingKey = depth == 1 && byte == UInt8(ascii: "{")
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
            case UInt8(ascii: ","):
                expectingKey = depth == 1
            case UInt8(ascii: "\""):
                let start = index
                let startLine = line
                index += 1
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                    if bytes[index] == UInt8(ascii: "\\") { index += 1 }
                    index += 1
                }
                if expectingKey, let name = decodeString(bytes[start...min(index, bytes.count - 1)]) {
                    keys.append((name, startLine))
                }
                expectingKey = false
            default:
                break
            }
            index += 1
        }
        return keys
    }

    /// A JSON string literal's value (escapes decoded).
    private static func decodeString(_ literal: ArraySlice<UInt8>) -> String? {
        (try? JSONSerialization.jsonObject(with: Data(literal), options: .fragmentsAllowed)) as? String
    }

    /// The line of the offset Foundation's complaint names ("around character 37"), when it names one.
    private static func line(ofProblem problem: String, in text: String) -> Int? {
        guard let range = problem.range(of: "character ") else { return nil }
        let digits = problem[range.upperBound...].prefix { $0.isNumber }
        guard let offset = Int(digits) else { return nil }
        return 1 + text.utf8.prefix(offset).count { $0 == UInt8(ascii: "\n") }
    }

    /// Foundation's complaint, which says where the document broke.
    private static func jsonProblem(_ error: any Error) -> String {
        let error = error as NSError
        return (error.userInfo[NSDebugDescriptionErrorKey] as? String) ?? error.localizedDescription
    }
}
