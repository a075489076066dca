import Foundation

/// A static credential with which a machine that cannot speak Keystone (Alertmanager, an SDN
/// controller's webhook, collectd, `portwatch agent`) posts its fault events.
///
/// It admits exactly one event source's ingestion endpoint and nothing else: not the Neutron API,
/// not another source. Operators keep several per source so that one can be rotated while the
/// other still works; each may expire.
public struct SourceCredential: Sendable, Hashable {
    /// What the machine presents.
    public enum Secret: Sendable, Hashable {
        /// `Authorization: Bearer TOKEN` (what Alertmanager's `http_config.authorization` sends).
        case bearer(SecretHash)
        /// `Authorization: Basic` with this user name (collectd's `write_http`, ONOS, OpenDaylight).
        case basic(username: String, password: SecretHash)
    }

    /// The event source it admits (`alertmanager`, `doctor`, `onos`, `opendaylight`, `native`).
    public var source: String
    /// The operator's name for it, unique within the source; logged with every use.
    public var name: String
    public var secret: Secret
    /// When it stops being accepted, if ever.
    public var expires: Date?
    /// Its line in the credentials file.
    public var line: Int?

    public init(source: String, name: String, secret: Secret, expires: Date? = nil, line: Int? = nil) {
        self.source = source
        self.name = name
        self.secret = secret
        self.expires = expires
        self.line = line
    }

    /// Whether the credential is still valid at `now`.
    public func isValid(at now: Date) -> Bool {
        expires.map { now < $0 } ?? true
    }
}

/// What a request's `Authorization` header presents, when it is a scheme source credentials use.
public struct PresentedCredential: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case bearer(token: String)
        case basic(username: String, password: String)
    }

    public var kind: Kind

    /// The credential in an `Authorization` header value; nil for another scheme or a malformed value.
    public init?(authorization: String) {
        let trimmed = authorization.trimmingCharacters(in: .whitespaces)
        guard let space = trimmed.firstIndex(where: { $0 == " " || $0 == "\t" }) else { return nil }
        let scheme = trimmed[..<space].lowercased()
        let value = trimmed[space...].trimmingCharacters(in: .whitespaces)
        guard !value.isEmpty else { return nil }
        switch scheme {
        case "bearer":
            kind = .bearer(token: value)
        case "basic":
            guard let data = Data(base64Encoded: value), let text = String(data: data, encoding: .utf8),
                let colon = text.firstIndex(of: ":")
            else { return nil }
            kind = .basic(username: String(text[..<colon]), password: String(text[text.index(after: colon)...]))
        default:
            return nil
        }
    }

    /// The scheme's name as `WWW-Authenticate` writes it.
    public var scheme: String {
        switch kind {
        case .bearer: "Bearer"
        case .basic: "Basic"
        }
    }
}
