import Foundation
import Yams

/// A cloud entry of `clouds.yaml`, read the way openstacksdk reads it: the first file found among
/// `$OS_CLIENT_CONFIG_FILE`, `./clouds.yaml`, `~/.config/openstack/clouds.yaml` and
/// `/etc/openstack/clouds.yaml`, with a `secure.yaml` beside it merged over it (passwords usually
/// live there).
public struct CloudsFile: Sendable {
    /// The `auth:` block and the entry's region and interface.
    public struct Cloud: Sendable, Hashable {
        public var authURL: String
        public var credentials: PasswordCredentials
        public var regionName: String?
        public var interface: String?
    }

    /// Why a cloud could not be read.
    public struct Problem: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The directories searched, in openstacksdk's order.
    public static func searchPaths(environment: [String: String], currentDirectory: String) -> [String] {
        var paths: [String] = []
        if let explicit = environment["OS_CLIENT_CONFIG_FILE"] { paths.append(explicit) }
        paths.append(currentDirectory + "/clouds.yaml")
        if let home = environment["HOME"] { paths.append(home + "/.config/openstack/clouds.yaml") }
        paths.append("/etc/openstack/clouds.yaml")
        return paths
    }

    /// The cloud `name` from the first `clouds.yaml` found.
    public static func cloud(
        named name: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) throws(Problem) -> Cloud {
        let paths = searchPaths(environment: environment, currentDirectory: currentDirectory)
        guard let path = paths.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw Problem(description: "no clouds.yaml in \(paths.joined(separator: ", "))")
        }
        var entry = try entry(name, in: path)
        let secure = (path as NSString).deletingLastPathComponent + "/secure.yaml"
        if FileManager.default.fileExists(atPath: secure), let extra = try? Self.entry(name, in: secure) {
            entry = merge(entry, extra)
        }
        return try cloud(from: entry, name: name, path: path)
    }

    static func entry(_ name: String, in path: String) throws(Problem) -> [String: Any] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw Problem(description: "cannot read \(path): \(error.localizedDescription)")
        }
        let document: Any?
        do {
            document = try Yams.load(yaml: text)
        } catch {
            throw Problem(description: "\(path) is not valid YAML: \(error)")
        }
        guard let clouds = (document as? [String: Any])?["clouds"] as? [String: Any],
            let entry = clouds[name] as? [String: Any]
        else { throw Problem(description: "\(path) has no cloud named '\(name)'") }
        return entry
    }

    static func merge(_ base: [String: Any], _ extra: [String: Any]) -> [String: Any] {
        var merged = base
        for (key, value) in extra {
            if let nested = value as? [String: Any], let existing = merged[key] as? [String: Any] {
                merged[key] = merge(existing, nested)
            } else {
                merged[key] = value
            }
        }
        return merged
    }

    static func cloud(from entry: [String: Any], name: String, path: String) throws(Problem) -> Cloud {
        let auth = entry["auth"] as? [String: Any] ?? [:]
        func string(_ key: String) -> String? {
            (auth[key] as? String) ?? (auth[key].map { "\($0)" })
        }
        guard let authURL = string("auth_url") else {
            throw Problem(description: "cloud '\(name)' in \(path) has no auth.auth_url")
        }
        guard let password = string("password") else {
            throw Problem(description: "cloud '\(name)' in \(path) has no auth.password (nor in secure.yaml)")
        }
        // openstacksdk applies domain_name / domain_id to both user and project when they lack one.
        let defaultDomainName = string("domain_name") ?? string("default_domain_name")
        let defaultDomainID = string("domain_id") ?? string("default_domain_id")
        let credentials = PasswordCredentials(
            username: string("username"), userID: string("user_id"), password: password,
            userDomainName: string("user_domain_name") ?? defaultDomainName,
            userDomainID: string("user_domain_id") ?? defaultDomainID,
            projectName: string("project_name") ?? string("tenant_name"),
            projectID: string("project_id") ?? string("tenant_id"),
            projectDomainName: string("project_domain_name") ?? defaultDomainName,
            projectDomainID: string("project_domain_id") ?? defaultDomainID)
        if let problem = credentials.problem {
            throw Problem(description: "cloud '\(name)' in \(path) lacks \(problem)")
        }
        return Cloud(
            authURL: authURL, credentials: credentials, regionName: entry["region_name"] as? String,
            interface: entry["interface"] as? String)
    }
}
