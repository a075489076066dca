import Foundation
import Logging
import Synchronization

/// Portwatch's own service token: obtained on first use, renewed before it expires, re-obtained
/// when Keystone rejects it. Concurrent callers share one request to Keystone.
///
/// The token validator uses it to ask Keystone about callers' tokens; bridge mode uses it to
/// call Neutron (and to find Neutron in the token's catalog).
public final class ServiceTokenProvider: Sendable {
    private struct State {
        var current: KeystoneClient.IssuedToken?
        var inFlight: Task<KeystoneClient.IssuedToken, any Error>?
    }

    private let client: KeystoneClient
    private let logger: Logger
    private let state = Mutex(State())

    /// A provider asking `client` for tokens of its settings' service user.
    public init(client: KeystoneClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// A service token valid for a while yet: renewed when less than a minute of its life remains.
    public func token(now: Date = Date()) async throws(KeystoneError) -> String {
        try await issuedToken(now: now).token
    }

    /// The service token with its catalog, valid for a while yet (see ``token(now:)``).
    public func issuedToken(now: Date = Date()) async throws(KeystoneError) -> KeystoneClient.IssuedToken {
        let valid: KeystoneClient.IssuedToken? = state.withLock { state in
            guard let current = state.current, !Self.needsRenewal(current.info, now: now) else { return nil }
            return current
        }
        if let valid { return valid }
        let task: Task<KeystoneClient.IssuedToken, any Error> = state.withLock { state in
            if let inFlight = state.inFlight { return inFlight }
            let client = client
            let task = Task { () async throws -> KeystoneClient.IssuedToken in try await client.issueServiceToken() }
            state.inFlight = task
            return task
        }
        do {
            let issued = try await task.value
            state.withLock { state in
                if state.inFlight == task { state.inFlight = nil }
                if state.current?.token != issued.token {
                    state.current = issued
                }
            }
            return issued
        } catch {
            state.withLock { state in
                if state.inFlight == task { state.inFlight = nil }
            }
            let failure = error as? KeystoneError ?? KeystoneError(.unavailable, "\(error)")
            logger.error("could not obtain Portwatch's service token", metadata: ["error": "\(failure)"])
            throw failure
        }
    }

    /// Forgets `token` (Keystone, or a service, rejected it), so the next call obtains a new one.
    public func invalidate(_ token: String) {
        state.withLock { state in
            if state.current?.token == token { state.current = nil }
        }
    }

    static func needsRenewal(_ info: TokenInfo, now: Date) -> Bool {
        let remaining = info.expiresAt.timeIntervalSince(now)
        return remaining < 60
    }
}
