import PortwatchCore
import PortwatchStore
import Synchronization

/// The committed port ids in ascending order, for listing in Neutron's default order without
/// sorting the collection on every request. Rebuilt when the set of ports changes.
final class SortedIDCache: Sendable {
    private let cache = Mutex<(version: Int, ids: [String])>((-1, []))

    func ids(of repository: Repository) -> [String] {
        let (version, cached) = cache.withLock { ($0.version, $0.ids) }
        let current = repository.read { $0.portMembershipVersion }
        if version == current { return cached }
        let (fresh, freshVersion) = repository.read { state in (state.ports.keys.sorted(), state.portMembershipVersion)
        }
        cache.withLock { $0 = (freshVersion, fresh) }
        return fresh
    }
}
