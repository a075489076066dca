import Crypto
import Foundation
import Synchronization

/// Validations kept for reuse: keyed by the SHA-256 of the token (tokens themselves are not kept),
/// each until the earlier of its TTL and the token's `expires_at`, at most `capacity` of them
/// (the oldest insertions leave first). Only successful validations are kept, as keystonemiddleware does.
final class TokenCache: Sendable {
    private struct Entry {
        var info: TokenInfo
        var until: Date
    }

    private struct State {
        var entries: [SHA256Digest: Entry] = [:]
        var order: [SHA256Digest] = []
        var head = 0
    }

    private let capacity: Int
    private let ttl: TimeInterval
    private let state = Mutex(State())

    init(capacity: Int, ttl: Duration) {
        self.capacity = max(1, capacity)
        self.ttl = Double(ttl.components.seconds) + Double(ttl.components.attoseconds) / 1e18
    }

    /// The digest is the key itself (hashing it again is cheap; formatting it as hex per request
    /// was not).
    static func key(_ token: String) -> SHA256Digest {
        var token = token
        return token.withUTF8 { SHA256.hash(data: UnsafeRawBufferPointer($0)) }
    }

    /// The cached validation of `token`, if still good at `now`.
    func lookup(_ token: String, now: Date) -> TokenInfo? {
        let key = Self.key(token)
        return state.withLock { state in
            guard let entry = state.entries[key] else { return nil }
            guard entry.until > now else {
                state.entries[key] = nil
                return nil
            }
            return entry.info
        }
    }

    /// Keeps the validation of `token`.
    func store(_ token: String, _ info: TokenInfo, now: Date) {
        let key = Self.key(token)
        let until = min(now.addingTimeInterval(ttl), info.expiresAt)
        guard until > now else { return }
        state.withLock { state in
            if state.entries.updateValue(Entry(info: info, until: until), forKey: key) == nil {
                state.order.append(key)
            }
            while state.entries.count > capacity, state.head < state.order.count {
                state.entries[state.order[state.head]] = nil
                state.head += 1
            }
            // Compact the insertion log once its consumed head dominates it.
            if state.head > 1024, state.head * 2 > state.order.count {
                state.order.removeFirst(state.head)
                state.head = 0
            }
        }
    }

    var count: Int { state.withLock { $0.entries.count } }
}
