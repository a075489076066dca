import KeystoneAuth

/// Where Neutron is and which token to show it. Implementations share one token among concurrent
/// callers and forget it when Neutron answers 401 (the next call gets a fresh one).
public protocol NeutronAuthenticator: Sendable {
    /// Neutron's base URL (without `/v2.0`) and the token to send (nil: none, for a noauth Neutron).
    func credentials() async -> Result<(endpoint: String, token: String?), NeutronClientError>
    /// Neutron refused `token`: drop it.
    func invalidate(token: String)
}

/// A Neutron at a fixed URL that needs no token (`auth_strategy = noauth`), for tests and labs.
public struct UnauthenticatedNeutron: NeutronAuthenticator {
    public let endpoint: String

    public init(endpoint: String) {
        self.endpoint = NeutronClient.trimmed(endpoint)
    }

    public func credentials() async -> Result<(endpoint: String, token: String?), NeutronClientError> {
        .success((endpoint, nil))
    }

    public func invalidate(token: String) {}
}

/// Portwatch's Keystone service token, and Neutron either at a fixed URL (`--neutron-url`) or at
/// the `network` endpoint of the token's catalog (`--neutron-interface`, `--neutron-region`).
public struct KeystoneNeutronAuthenticator: NeutronAuthenticator {
    /// How Neutron is found.
    public enum Endpoint: Sendable, Hashable {
        case fixed(String)
        case catalog(interface: String, region: String?)
    }

    let tokens: ServiceTokenProvider
    let endpoint: Endpoint

    public init(tokens: ServiceTokenProvider, endpoint: Endpoint) {
        self.tokens = tokens
        self.endpoint = endpoint
    }

    public func credentials() async -> Result<(endpoint: String, token: String?), NeutronClientError> {
        let issued: KeystoneClient.IssuedToken
        do {
            issued = try await tokens.issuedToken()
        } catch {
            let code: NeutronClientError.Code =
                error.code == .serviceCredentialsRejected ? .unauthorized : .unavailable
            return .failure(NeutronClientError(code, "Keystone: \(error.message)"))
        }
        switch endpoint {
        case .fixed(let url):
            return .success((NeutronClient.trimmed(url), issued.token))
        case .catalog(let interface, let region):
            guard let url = issued.catalog.url(type: "network", interface: interface, region: region) else {
                return .failure(
                    NeutronClientError(
                        .noEndpoint,
                        "the service catalog has no network endpoint at interface \(interface)"
                            + (region.map { " in region \($0)" } ?? "")))
            }
            return .success((NeutronClient.trimmed(url), issued.token))
        }
    }

    public func invalidate(token: String) {
        tokens.invalidate(token)
    }
}
