import KeystoneAuth

/// Where the CLI finds Portwatch and who it is there: flags, then `PORTWATCH_URL`, `OS_TOKEN`,
/// `OS_CLOUD` (clouds.yaml, read as openstacksdk reads it) or `OS_AUTH_URL` with `OS_USERNAME`,
/// `OS_PASSWORD`, `OS_PROJECT_NAME`, … as the `openstack` CLI takes them.
public struct ClientOptions: Sendable {
    /// The API's base URL; nil: from the catalog with Keystone credentials, else `http://127.0.0.1:9696`.
    public var url: String?
    /// A Keystone token to send as is.
    public var token: String?
    /// A clouds.yaml cloud to authenticate with.
    public var cloud: String?
    /// Password credentials and Keystone URL from the environment (`OS_*`), when no cloud is named.
    public var authURL: String?
    public var credentials: PasswordCredentials?
    /// The catalog interface and region to take the endpoint from.
    public var interface: String?
    public var region: String?
    /// Extra headers, e.g. a fronting proxy's `X-User-Id` for `--auth headers`.
    public var headers: [(String, String)] = []

    public init(url: String? = nil) {
        self.url = url
    }

    /// Keystone settings when the options carry credentials; nil without any.
    func keystoneSettings() throws(ClientError) -> (settings: KeystoneSettings, interface: String, region: String?)? {
        var authURL = authURL
        var credentials = credentials
        var interface = interface
        var region = region
        if let cloud {
            do {
                let entry = try CloudsFile.cloud(named: cloud)
                authURL = entry.authURL
                credentials = entry.credentials
                interface = interface ?? entry.interface
                region = region ?? entry.regionName
            } catch {
                throw ClientError(message: "--os-cloud \(cloud): \(error)")
            }
        }
        guard let credentials else { return nil }
        guard let authURL else { throw ClientError(message: "Keystone credentials need OS_AUTH_URL (or --os-cloud)") }
        if let problem = credentials.problem { throw ClientError(message: "Keystone credentials need \(problem)") }
        return (KeystoneSettings(authURL: authURL, credentials: credentials), interface ?? "public", region)
    }
}
