import Foundation
import PortwatchCore
import PortwatchStore

/// The per-database UUID that message ids are derived from, created on first use and kept in the
/// store, so that a record's `message_id` is the same after a restart and differs between databases.
public actor NotificationNamespace {
    static let documentKind = "portwatch.notifications"
    static let documentID = "namespace"

    private let repository: Repository
    private var value: UUID?
    private var loading: Task<UUID, any Error>?

    /// Creates a namespace kept in `repository`'s documents.
    public init(repository: Repository) {
        self.repository = repository
    }

    /// The namespace: read from the store, or created there (through the repository's writer).
    public func uuid() async throws -> UUID {
        if let value { return value }
        if let loading { return try await loading.value }
        let task = Task { [repository] in try await Self.loadOrCreate(repository) }
        loading = task
        defer { loading = nil }
        let uuid = try await task.value
        value = uuid
        return uuid
    }

    private static func loadOrCreate(_ repository: Repository) async throws -> UUID {
        let documents = try await repository.backend.documents(ofKind: documentKind)
        if let document = documents.first(where: { $0.id == documentID }),
            let text = try JSONValue.parse(document.body).objectValue?["namespace"]?.stringValue,
            let uuid = UUID(uuidString: text)
        {
            return uuid
        }
        let uuid = UUID()
        var writer = JSONWriter(capacity: 64)
        writer.beginObject()
        writer.key("namespace")
        writer.string(uuid.uuidString.lowercased())
        writer.endObject()
        let body = writer.bytes
        try await repository.write { changeSet in
            changeSet.putDocument(kind: documentKind, id: documentID, body: body)
        }
        return uuid
    }
}
