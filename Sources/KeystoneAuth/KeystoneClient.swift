import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The two Keystone v3 calls Portwatch makes: issuing its own service token (password) and
/// validating a caller's token, exactly as keystonemiddleware's `auth_token` does.
public struct KeystoneClient: Sendable {
    /// The answer to a validation.
    public enum Validation: Sendable, Hashable {
        case valid(TokenInfo)
        /// Keystone does not know the token, or it expired or was revoked.
        case invalid
        /// Keystone refused the service token used to ask (re-obtain it and ask again).
        case serviceTokenRejected
    }

    /// A token Keystone issued.
    public struct IssuedToken: Sendable, Hashable {
        public var token: String
        public var info: TokenInfo
        /// Where the services are (empty when Keystone sent no catalog).
        public var catalog = ServiceCatalog()
    }

    let settings: KeystoneSettings
    let httpClient: HTTPClient

    public init(settings: KeystoneSettings, httpClient: HTTPClient) {
        self.settings = settings
        self.httpClient = httpClient
    }

    /// `POST /v3/auth/tokens` with the service user's password credentials.
    public func issueServiceToken() async throws(KeystoneError) -> IssuedToken {
        try await issueToken(settings.credentials)
    }

    /// `POST /v3/auth/tokens` with `credentials` (the service user's, or a console user's whose login
    /// Portwatch passes on). Keystone refusing them is `.serviceCredentialsRejected`.
    public func issueToken(_ credentials: PasswordCredentials) async throws(KeystoneError) -> IssuedToken {
        let body: Data
        do {
            body = try JSONSerialization.data(withJSONObject: credentials.requestBody)
        } catch {
            throw KeystoneError(.malformedResponse, "could not encode the credentials")
        }
        var request = HTTPClientRequest(url: settings.authURL + "/auth/tokens")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "portwatch")
        request.body = .bytes(ByteBuffer(bytes: body))
        let (status, headers, bytes) = try await send(request)
        switch status {
        case 201, 200:
            guard let token = headers.first(name: "X-Subject-Token") else {
                throw KeystoneError(.malformedResponse, "token issued without X-Subject-Token")
            }
            return IssuedToken(token: token, info: try TokenInfo(json: bytes), catalog: ServiceCatalog(json: bytes))
        case 400, 401, 403, 404:
            throw KeystoneError(
                .serviceCredentialsRejected, "Keystone refused the service credentials (HTTP \(status))")
        default:
            throw KeystoneError(.unavailable, "Keystone answered HTTP \(status) to a token request")
        }
    }

    /// `GET /v3/auth/tokens?nocatalog` with `X-Subject-Token: token`, asked with `serviceToken`.
    public func validate(_ token: String, serviceToken: String) async throws(KeystoneError) -> Validation {
        var request = HTTPClientRequest(url: settings.authURL + "/auth/tokens?nocatalog")
        request.method = .GET
        request.headers.add(name: "X-Auth-Token", value: serviceToken)
        request.headers.add(name: "X-Subject-Token", value: token)
        request.headers.add(name: "OpenStack-Identity-Access-Rules", value: "1")
        request.headers.add(name: "User-Agent", value: "portwatch")
        let (status, _, bytes) = try await send(request)
        switch status {
        case 200: return .valid(try TokenInfo(json: bytes))
        case 404: return .invalid
        case 401, 403: return .serviceTokenRejected
        default: throw KeystoneError(.unavailable, "Keystone answered HTTP \(status) to a validation")
        }
    }

    private func send(_ request: HTTPClientRequest) async throws(KeystoneError) -> (Int, HTTPHeaders, [UInt8]) {
        let timeout = TimeAmount.nanoseconds(
            settings.requestTimeout.components.seconds * 1_000_000_000 + settings.requestTimeout.components.attoseconds
                / 1_000_000_000)
        do {
            let response = try await httpClient.execute(request, timeout: timeout)
            let body = try await response.body.collect(upTo: 4 << 20)
            return (Int(response.status.code), response.headers, Array(body.readableBytesView))
        } catch {
            throw KeystoneError(.unavailable, "Keystone at \(settings.authURL) did not answer: \(error)")
        }
    }
}
