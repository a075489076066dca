import Foundation

/// What Keystone says about a valid token: who, in which scope, with which roles, until when.
public struct TokenInfo: Sendable, Hashable {
    public var userID: String
    public var userName: String?
    public var userDomainID: String?
    public var userDomainName: String?
    public var projectID: String?
    public var projectName: String?
    public var projectDomainID: String?
    public var projectDomainName: String?
    /// The domain of a domain-scoped token.
    public var domainID: String?
    public var domainName: String?
    /// `all` for a system-scoped token.
    public var systemScope: String?
    /// Role names in Keystone's order, implied roles included.
    public var roles: [String]
    /// Keystone omits it unless an admin project is configured; consumers then take true.
    public var isAdminProject: Bool
    public var expiresAt: Date

    /// Parses the body of `GET /v3/auth/tokens` (or of a token issue).
    public init(json: [UInt8]) throws(KeystoneError) {
        guard let root = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any],
            let token = root["token"] as? [String: Any], let user = token["user"] as? [String: Any],
            let userID = user["id"] as? String, let expires = token["expires_at"] as? String,
            let expiresAt = Self.parseTime(expires)
        else { throw KeystoneError(.malformedResponse, "not a Keystone v3 token document") }
        self.userID = userID
        userName = user["name"] as? String
        let userDomain = user["domain"] as? [String: Any]
        userDomainID = userDomain?["id"] as? String
        userDomainName = userDomain?["name"] as? String
        let project = token["project"] as? [String: Any]
        projectID = project?["id"] as? String
        projectName = project?["name"] as? String
        let projectDomain = project?["domain"] as? [String: Any]
        projectDomainID = projectDomain?["id"] as? String
        projectDomainName = projectDomain?["name"] as? String
        let domain = token["domain"] as? [String: Any]
        domainID = domain?["id"] as? String
        domainName = domain?["name"] as? String
        if let system = token["system"] as? [String: Any], system["all"] as? Bool == true { systemScope = "all" }
        roles = (token["roles"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        isAdminProject = token["is_admin_project"] as? Bool ?? true
        self.expiresAt = expiresAt
    }

    /// Keystone's `2026-12-01T18:51:13.000000Z` (fractional digits optional).
    static func parseTime(_ text: String) -> Date? {
        var text = text
        guard text.hasSuffix("Z") else { return nil }
        text.removeLast()
        var fraction = 0.0
        if let dot = text.firstIndex(of: ".") {
            fraction = Double("0" + text[dot...]) ?? 0
            text = String(text[..<dot])
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text + "Z").map { $0.addingTimeInterval(fraction) }
    }
}
