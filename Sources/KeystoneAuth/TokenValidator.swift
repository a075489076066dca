import AsyncHTTPClient
import Foundation
import Logging

/// Validates callers' tokens against Keystone as keystonemiddleware's `auth_token` does: with
/// Portwatch's own service token, a bounded cache, and one retry with a fresh service token when
/// Keystone rejects the current one.
///
/// ```swift
/// let validator = TokenValidator(settings: settings, httpClient: .shared, logger: logger)
/// switch await validator.validate(userToken: token, serviceToken: nil) {
/// case .valid(let user, _): ...
/// case .invalid: // 401
/// case .unavailable: // 503
/// }
/// ```
public final class TokenValidator: Sendable {
    /// The outcome for one request.
    public enum Outcome: Sendable, Hashable {
        /// The user token is valid (and the service token, when one was sent, too).
        case valid(user: TokenInfo, service: TokenInfo?)
        /// A token is missing, unknown, expired or revoked, or a service token lacks a service role.
        case invalid
        /// Keystone could not be asked (unreachable, timing out, 5xx, or refusing our credentials).
        case unavailable
    }

    public let settings: KeystoneSettings
    let client: KeystoneClient
    let serviceTokens: ServiceTokenProvider
    let cache: TokenCache
    let logger: Logger

    public init(settings: KeystoneSettings, httpClient: HTTPClient, logger: Logger) {
        self.settings = settings
        client = KeystoneClient(settings: settings, httpClient: httpClient)
        serviceTokens = ServiceTokenProvider(client: client, logger: logger)
        cache = TokenCache(capacity: settings.cacheSize, ttl: settings.cacheTTL)
        self.logger = logger
    }

    /// Obtains the service token now, so that a start with wrong credentials or no Keystone fails
    /// loudly instead of at the first request.
    public func prepare() async throws(KeystoneError) {
        _ = try await serviceTokens.token()
    }

    /// Validates `userToken` and, when sent, `serviceToken` (`X-Service-Token`).
    public func validate(userToken: String, serviceToken: String?, now: Date = Date()) async -> Outcome {
        do {
            guard let user = try await info(of: userToken, now: now) else { return .invalid }
            guard let serviceToken else { return .valid(user: user, service: nil) }
            guard let service = try await info(of: serviceToken, now: now),
                !settings.serviceTokenRoles.isDisjoint(with: service.roles)
            else { return .invalid }
            return .valid(user: user, service: service)
        } catch {
            logger.warning("token validation failed: Keystone unavailable", metadata: ["error": "\(error)"])
            return .unavailable
        }
    }

    /// The outcome of ``validate(userToken:serviceToken:now:)`` when every token it needs is in the
    /// cache (no request to Keystone); nil when one is not.
    public func cachedValidation(userToken: String, serviceToken: String?, now: Date = Date()) -> Outcome? {
        guard let user = cache.lookup(userToken, now: now) else { return nil }
        guard let serviceToken else { return .valid(user: user, service: nil) }
        guard let service = cache.lookup(serviceToken, now: now) else { return nil }
        guard !settings.serviceTokenRoles.isDisjoint(with: service.roles) else { return .invalid }
        return .valid(user: user, service: service)
    }

    /// The cached or freshly validated info of `token`; nil when invalid.
    func info(of token: String, now: Date) async throws(KeystoneError) -> TokenInfo? {
        if let cached = cache.lookup(token, now: now) { return cached }
        var attempt = 0
        while true {
            attempt += 1
            let serviceToken = try await serviceTokens.token(now: now)
            switch try await client.validate(token, serviceToken: serviceToken) {
            case .valid(let info):
                guard info.expiresAt > now else { return nil }
                cache.store(token, info, now: now)
                return info
            case .invalid:
                return nil
            case .serviceTokenRejected:
                serviceTokens.invalidate(serviceToken)
                if attempt >= 2 {
                    throw KeystoneError(
                        .serviceCredentialsRejected, "Keystone rejected Portwatch's service token twice")
                }
            }
        }
    }
}
