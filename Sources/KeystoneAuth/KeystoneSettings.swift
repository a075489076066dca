/// How Portwatch reaches Keystone and validates tokens (`--auth keystone`).
public struct KeystoneSettings: Sendable {
    /// The identity v3 endpoint, e.g. `http://127.0.0.1:5000/v3` (a URL without `/v3` gets it).
    public var authURL: String
    /// What 401 answers advertise in `WWW-Authenticate: Keystone uri="..."` (keystonemiddleware's
    /// `www_authenticate_uri`; defaults to `authURL` without `/v3`).
    public var wwwAuthenticateURI: String
    /// Portwatch's own service user.
    public var credentials: PasswordCredentials
    /// How long a validation is reused (capped by the token's `expires_at`); keystonemiddleware's
    /// `token_cache_time`, 300 s by default. A revoked token is honoured no later than this.
    public var cacheTTL: Duration
    /// The most validations kept; the oldest go first.
    public var cacheSize: Int
    /// The most one Keystone request may take; past it the caller gets 503.
    public var requestTimeout: Duration
    /// Roles an `X-Service-Token` must carry one of (keystonemiddleware's `service_token_roles`).
    public var serviceTokenRoles: Set<String>

    public init(
        authURL: String, wwwAuthenticateURI: String? = nil, credentials: PasswordCredentials,
        cacheTTL: Duration = .seconds(300), cacheSize: Int = 10_000, requestTimeout: Duration = .seconds(10),
        serviceTokenRoles: Set<String> = ["service"]
    ) {
        var url = authURL
        while url.hasSuffix("/") { url.removeLast() }
        if !url.hasSuffix("/v3") { url += "/v3" }
        self.authURL = url
        self.wwwAuthenticateURI = wwwAuthenticateURI ?? String(url.dropLast("/v3".count))
        self.credentials = credentials
        self.cacheTTL = cacheTTL
        self.cacheSize = max(1, cacheSize)
        self.requestTimeout = requestTimeout
        self.serviceTokenRoles = serviceTokenRoles
    }
}
