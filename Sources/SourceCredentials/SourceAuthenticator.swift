import Crypto
import Foundation
import NIOPosix
import Synchronization

/// Checks what machines present against the operator's source credentials.
///
/// A PBKDF2 hash takes tens of milliseconds to verify by design, so each presented secret is
/// verified once, off the request threads, and the verdict (match or no match) remembered by the
/// secret's SHA-256 until the credentials change: a source that posts every few seconds costs one
/// dictionary lookup per request. Expiry is checked on every request.
///
/// ```swift
/// let authenticator = SourceAuthenticator(try SourceCredentialsFile(path: path, knownSources: names).load())
/// if let credential = await authenticator.authenticate(presented, for: "alertmanager"),
///    credential.source == "alertmanager" { … }
/// ```
public final class SourceAuthenticator: Sendable {
    private let state: Mutex<State>
    /// How many verdicts are remembered before the memory starts again.
    static let cacheLimit = 4096

    private struct State {
        var credentials: [SourceCredential]
        /// Bumped on every replacement, so that a verdict reached on old credentials is not kept.
        var generation = 0
        /// A presented secret's digest → the index of the credential it matches, or nil for none.
        var verdicts: [SHA256Digest: Int?] = [:]
    }

    public init(_ credentials: [SourceCredential] = []) {
        state = Mutex(State(credentials: credentials))
    }

    /// Puts `credentials` in force (a reload of the file): remembered verdicts are forgotten.
    public func replace(with credentials: [SourceCredential]) {
        state.withLock {
            $0.credentials = credentials
            $0.generation += 1
            $0.verdicts.removeAll()
        }
    }

    /// The credentials in force.
    public var credentials: [SourceCredential] { state.withLock { $0.credentials } }

    /// Whether a basic-auth credential in force admits `source` (its endpoint then challenges with
    /// `WWW-Authenticate: Basic`, which clients such as collectd's curl wait for before they send one).
    public func hasBasicCredentials(for source: String) -> Bool {
        state.withLock {
            $0.credentials.contains {
                guard $0.source == source, case .basic = $0.secret else { return false }
                return true
            }
        }
    }

    /// Whether any credential in force admits `source`.
    public func hasCredentials(for source: String) -> Bool {
        state.withLock { $0.credentials.contains { $0.source == source } }
    }

    /// The credential in force that `presented` matches, if any, of any source (the caller checks
    /// that it admits the endpoint): `source`'s credentials are tried first. An expired credential
    /// matches nothing.
    public func authenticate(
        _ presented: PresentedCredential, for source: String?, now: Date = Date()
    ) async -> SourceCredential? {
        let key = Self.digest(presented)
        let (cached, credentials, generation) = state.withLock { state in
            (state.verdicts[key], state.credentials, state.generation)
        }
        if let cached {
            guard let index = cached else { return nil }
            let credential = credentials[index]
            return credential.isValid(at: now) ? credential : nil
        }
        let order = credentials.indices.sorted { a, b in
            (credentials[a].source == source ? 0 : 1) < (credentials[b].source == source ? 0 : 1)
        }
        let match: Int?
        do {
            match = try await NIOThreadPool.singleton.runIfActive {
                order.first { Self.matches(presented, credentials[$0].secret) }
            }
        } catch {
            return nil
        }
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.verdicts.count >= Self.cacheLimit { state.verdicts.removeAll() }
            state.verdicts[key] = .some(match)
        }
        guard let match else { return nil }
        return credentials[match].isValid(at: now) ? credentials[match] : nil
    }

    static func matches(_ presented: PresentedCredential, _ secret: SourceCredential.Secret) -> Bool {
        switch (presented.kind, secret) {
        case (.bearer(let token), .bearer(let hash)):
            return hash.verifies(token)
        case (.basic(let username, let password), .basic(let expected, let hash)):
            return username == expected && hash.verifies(password)
        default:
            return false
        }
    }

    /// What the verdict is remembered by: the scheme, user name and secret, hashed.
    static func digest(_ presented: PresentedCredential) -> SHA256Digest {
        var hasher = SHA256()
        switch presented.kind {
        case .bearer(let token):
            hasher.update(data: Array("bearer\u{0}".utf8))
            hasher.update(data: Array(token.utf8))
        case .basic(let username, let password):
            hasher.update(data: Array("basic\u{0}".utf8))
            hasher.update(data: Array(username.utf8))
            hasher.update(data: [0])
            hasher.update(data: Array(password.utf8))
        }
        return hasher.finalize()
    }
}
