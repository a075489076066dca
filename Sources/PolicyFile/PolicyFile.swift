import Foundation
import OsloPolicy

/// An operator's policy file: rule name → rule, as Neutron's `policy.yaml` (or `policy.json`).
///
/// ```yaml
/// # Only the SDN controller's role may set data_plane_status.
/// "update_port:data_plane_status": "role:sdn_controller"
/// "net_admins": "role:netops"
/// "update_topology": "rule:admin_only or rule:net_admins"
/// ```
///
/// A `.json` file is read as JSON, anything else as YAML (which reads JSON too). Each entry
/// overrides a default of ``OsloPolicy/PolicyDefaults`` or defines an alias other rules reference;
/// every rule must load (``OsloPolicy/PolicyRules``), and every failure names the file and the line.
///
/// ```swift
/// let rules = try PolicyFile(path: "/etc/portwatch/policy.yaml").rules()
/// ```
public struct PolicyFile: Sendable, Hashable {
    /// How the file is written.
    public enum Format: Sendable, Hashable {
        /// YAML (which reads JSON too), with each key's line.
        case yaml
        /// JSON, as an old `policy.json`.
        case json

        /// JSON for a `.json` file, else YAML.
        public init(path: String) {
            self = path.lowercased().hasSuffix(".json") ? .json : .yaml
        }
    }

    /// Where the file is.
    public var path: String
    /// How it is written.
    public var format: Format

    /// The file at `path`, its format told by its name.
    public init(path: String) {
        self.path = path
        format = Format(path: path)
    }

    /// The defaults with the file's overrides, validated.
    public func rules(defaults: [RuleDefault] = PolicyDefaults.all) throws(PolicyFileError) -> PolicyRules {
        let overrides = try overrides()
        do {
            return try PolicyRules(defaults: defaults, overrides: overrides)
        } catch {
            throw PolicyFileError(path: path, error)
        }
    }

    /// The file's entries, in order, with their lines.
    public func overrides() throws(PolicyFileError) -> [PolicyRules.Override] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw PolicyFileError(.unreadable, path: path, "cannot be read: \(Self.reason(error))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PolicyFileError(.unreadable, path: path, "is not UTF-8 text")
        }
        return try Self.overrides(in: text, format: format, path: path)
    }

    /// The entries of `text`; `path` names it in errors.
    public static func overrides(
        in text: String, format: Format, path: String = "policy file"
    ) throws(PolicyFileError) -> [PolicyRules.Override] {
        switch format {
        case .yaml: try yamlOverrides(text, path: path)
        case .json: try jsonOverrides(text, path: path)
        }
    }

    private static func reason(_ error: any Error) -> String {
        let error = error as NSError
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return error.localizedDescription
    }
}
