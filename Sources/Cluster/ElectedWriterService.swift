import PortwatchStore
import ServiceLifecycle

/// The group-commit writer of an elected replica, one of the duties ``ClusterMember`` runs: it runs
/// until graceful shutdown (queued writes drain) or until the replica stops being the writer
/// (``Repository/demote()`` ends it at once).
public struct ElectedWriterService: Service {
    let repository: Repository

    public init(repository: Repository) {
        self.repository = repository
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await repository.runWriter()
        } onGracefulShutdown: {
            repository.stopAccepting()
        }
    }
}
