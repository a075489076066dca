import Foundation
import Logging
import PortwatchStore
import Synchronization
import Testing

@testable import PortwatchCore

/// A storm large enough to render its payloads and audit lines in the background
/// (``BackgroundRendering``) is stored exactly as rendered, whether the store writes each row as it
/// is rendered (SQLite) or gets them all filled in first (PostgreSQL, or here a store wrapping
/// SQLite that does not say it writes rows as rendered: no load on the shared test PostgreSQL, whose
/// deadline tests run beside this one).
struct BackgroundRowsTests {
    enum Path: String, CaseIterable, CustomTestStringConvertible {
        case asRendered, filledInFirst
        var testDescription: String { rawValue }
    }

    @Test(arguments: Path.allCases) func aStormRenderedInTheBackgroundIsStoredAsRendered(path: Path) async throws {
        let count = BackgroundRendering.minimumCount + 300
        let ids = (0..<count).map { String(format: "port-%05d", $0) }
        let decidedAt = Date(timeIntervalSince1970: 1_790_000_000.25)
        let cause = AuditCause(trigger: .faultEvents, rootCause: [.switch("spine-2")], faults: [])
        let changes = ids.map {
            PortDataPlaneChange(portID: $0, previous: .degraded, current: .down, decidedAt: decidedAt, cause: cause)
        }
        let file = RepositoryTests.path()
        let store: any StoreBackend =
            switch path {
            case .asRendered: try SQLiteStore(path: file, synchronous: .normal)
            case .filledInFirst: try FlakyStore(path: file)
            }
        #expect(store.writesRowsAsRendered == (path == .asRendered))
        try await store.migrate()
        var seed = StoreCommit()
        seed.networks = [("n1", StoreConformanceTests.network("n1"))]
        seed.ports = ids.map { ($0, StoreConformanceTests.port($0, name: "name of \($0)")) }
        try await store.commit(seed)
        let repository = try await Repository(backend: store, logger: Logger(label: "test"))
        let writer = Task { await repository.runWriter() }
        defer { writer.cancel() }
        let observed = Mutex(0)
        repository.observeCommits { batch in observed.withLock { $0 += batch.outboxCount } }
        let rendered = try await repository.write { changeSet in
            changeSet.writeCorrelated(changes)
            return !changeSet.backgroundRows.isEmpty
        }
        #expect(rendered, "the storm took the background path")

        let stored = try await store.outboxRecords(after: 0, limit: count + 1)
        let ports = StoreConformanceTests.byID(try await store.loadSnapshot().ports)
        #expect(stored.map(\.event.resourceID) == ids)
        for record in stored {
            let port = try #require(ports[record.event.resourceID])
            #expect(port.dataPlaneStatus == .down)
            #expect(record.event.payload == port.envelope(view: .full), "\(record.event.resourceID)")
            #expect(record.event.eventType == "port.update.end")
        }
        #expect(observed.withLock { $0 } == stored.count)

        let (causes, _) = AuditRenderer.encodeCauses(changes)
        for id in ids where id.hasSuffix("7") {
            let line = AuditRenderer.line(
                portID: id, previous: .degraded, current: .down,
                decidedAt: NeutronTimestamp.formatOslo(decidedAt), dataPlaneStatus: .down, portChanged: true)
            // The store splices the shared cause into the line it returns.
            let expected = line.dropLast() + Array(#","cause":"#.utf8) + causes[0] + [UInt8(ascii: "}")]
            let entries = try await store.auditEntries(subject: id, limit: 10)
            #expect(entries.map(\.body) == [expected], "\(id)")
        }
    }
}
