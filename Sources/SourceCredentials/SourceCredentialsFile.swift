import Foundation
import Yams

/// The operator's file of static source credentials, YAML (or JSON): for each event source, a list
/// of credentials, each a bearer token's hash or a user name and a password's hash.
///
/// ```yaml
/// alertmanager:
///   - name: am-2026-12                       # unique within the source; logged with each use
///     bearer: "$pbkdf2-sha256$210000$…$…"    # portwatch source-credentials hash
///   - name: am-2026-06                       # the one being rotated out
///     bearer: "sha256:9f86d081884c7d65…"     # only for generated random tokens
///     expires: "2026-12-31T00:00:00Z"
/// onos:
///   - name: onos-webhook
///     username: onos
///     password: "$pbkdf2-sha256$210000$…$…"
/// ```
///
/// Every failure names the file and the line: an unknown source, a secret written in clear, a hash
/// that does not parse, a duplicate name, an unknown key.
public struct SourceCredentialsFile: Sendable, Hashable {
    public var path: String
    /// The sources a credential may name.
    public var knownSources: [String]

    public init(path: String, knownSources: [String]) {
        self.path = path
        self.knownSources = knownSources
    }

    /// The file's credentials.
    public func load() throws(SourceCredentialsError) -> [SourceCredential] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw SourceCredentialsError(path: path, "cannot be read: \((error as NSError).localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SourceCredentialsError(path: path, "is not UTF-8 text")
        }
        return try Self.credentials(in: text, knownSources: knownSources, path: path)
    }

    static let entryKeys: Set<String> = ["name", "bearer", "username", "password", "expires"]

    /// The credentials `text` describes; `path` names it in errors.
    public static func credentials(
        in text: String, knownSources: [String], path: String = "source credentials"
    ) throws(SourceCredentialsError) -> [SourceCredential] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw SourceCredentialsError(path: path, line: Self.line(of: error), "is not valid YAML: \(error)")
        } catch {
            throw SourceCredentialsError(path: path, "is not YAML: \(error)")
        }
        guard let root else { return [] }
        guard let sources = root.mapping else {
            throw SourceCredentialsError(
                path: path, line: root.mark?.line, "must be a mapping of event sources to lists of credentials")
        }
        var credentials: [SourceCredential] = []
        for (key, value) in sources {
            let line = key.mark?.line
            guard let source = key.scalar?.string, knownSources.contains(source) else {
                throw SourceCredentialsError(
                    path: path, line: line,
                    "\"\(key.scalar?.string ?? "?")\" is not an event source; the sources are "
                        + knownSources.joined(separator: ", "))
            }
            if value.scalar?.string.isEmpty == true, value.tag.description == Tag.Name.null.rawValue { continue }
            guard let entries = value.sequence else {
                throw SourceCredentialsError(path: path, line: line, "\(source): expected a list of credentials")
            }
            var names = Set<String>()
            for entry in entries {
                let credential = try Self.credential(entry, source: source, path: path)
                guard names.insert(credential.name).inserted else {
                    throw SourceCredentialsError(
                        path: path, line: credential.line, "\(source): the name \"\(credential.name)\" is used twice")
                }
                credentials.append(credential)
            }
        }
        return credentials
    }

    static func credential(_ node: Node, source: String, path: String) throws(SourceCredentialsError)
        -> SourceCredential
    {
        let line = node.mark?.line
        guard let mapping = node.mapping else {
            throw SourceCredentialsError(
                path: path, line: line, "\(source): a credential is a mapping with name and bearer (or username and password)")
        }
        var fields: [String: (String, Int?)] = [:]
        for (key, value) in mapping {
            guard let name = key.scalar?.string, entryKeys.contains(name) else {
                throw SourceCredentialsError(
                    path: path, line: key.mark?.line,
                    "\(source): unknown key \"\(key.scalar?.string ?? "?")\"; a credential has "
                        + entryKeys.sorted().joined(separator: ", "))
            }
            guard let text = value.scalar?.string, !text.isEmpty else {
                throw SourceCredentialsError(path: path, line: value.mark?.line, "\(source): \(name) must be text")
            }
            fields[name] = (text, value.mark?.line)
        }
        guard let name = fields["name"]?.0 else {
            throw SourceCredentialsError(path: path, line: line, "\(source): a credential needs a name")
        }
        func hash(_ key: String) throws(SourceCredentialsError) -> SecretHash {
            let (text, keyLine) = fields[key]!
            do {
                return try SecretHash(text)
            } catch {
                throw SourceCredentialsError(
                    path: path, line: keyLine,
                    "\(source) credential \"\(name)\": \(key) must be stored hashed, never in clear: \(error)")
            }
        }
        let secret: SourceCredential.Secret
        switch (fields["bearer"] != nil, fields["username"] != nil, fields["password"] != nil) {
        case (true, false, false):
            secret = .bearer(try hash("bearer"))
        case (false, true, true):
            let username = fields["username"]!.0
            guard !username.contains(":") else {
                throw SourceCredentialsError(
                    path: path, line: fields["username"]?.1, "\(source) credential \"\(name)\": a user name has no ':'")
            }
            secret = .basic(username: username, password: try hash("password"))
        default:
            throw SourceCredentialsError(
                path: path, line: line,
                "\(source) credential \"\(name)\": give either bearer, or username and password")
        }
        var expires: Date?
        if let (text, keyLine) = fields["expires"] {
            guard let date = Self.date(text) else {
                throw SourceCredentialsError(
                    path: path, line: keyLine,
                    "\(source) credential \"\(name)\": expires must be an ISO 8601 time such as 2027-01-31T00:00:00Z")
            }
            expires = date
        }
        return SourceCredential(source: source, name: name, secret: secret, expires: expires, line: line)
    }

    static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withFullDate]
        return formatter.date(from: text)
    }

    static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        case .duplicatedKeysInMapping(_, let context):
            return context.mark.line > 0 ? context.mark.line : nil
        default:
            return nil
        }
    }
}

/// Why a source credentials file cannot be put in force: `PATH, line N: what is wrong`.
public struct SourceCredentialsError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var line: Int?
    public var message: String

    public init(path: String, line: Int? = nil, _ message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    public var description: String {
        path + (line.map { ", line \($0)" } ?? "") + ": " + message
    }
}
