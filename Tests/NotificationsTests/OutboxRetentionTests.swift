import Foundation
import PortwatchCore
import PortwatchStore
import Testing

@testable import Notifications

struct OutboxRetentionTests {
    @Test func prunesOnlyWhatEverySinkDeliveredAndIsOld() async throws {
        let store = try await TestStore.open()
        try await store.emit(10)
        let backend = store.repository.backend
        try await store.repository.write { changeSet in
            changeSet.setCursor(of: "a", to: 8)
            changeSet.setCursor(of: "b", to: 6)
        }
        let retention = OutboxRetention(
            repository: store.repository, retention: .seconds(3600), sinkNames: { ["a", "b"] }, logger: testLogger)
        #expect(try await retention.pruneOnce() == 0)  // too young
        #expect(try await retention.pruneOnce(now: Date().addingTimeInterval(7200)) == 6)
        #expect(try await backend.outboxRecords(after: 0, limit: 100).map(\.sequence) == Array(7...10))
        await store.close()
    }

    @Test func withoutSinksPrunesByAgeAndKeepsNumbering() async throws {
        let path = TestStore.temporaryPath()
        let store = try await TestStore.open(path: path)
        try await store.emit(5)
        let retention = OutboxRetention(
            repository: store.repository, retention: .seconds(1), sinkNames: { [] }, logger: testLogger)
        #expect(try await retention.pruneOnce(now: Date().addingTimeInterval(10)) == 5)
        await store.close()
        let reopened = try await TestStore.open(path: path)
        try await reopened.emit(1)
        #expect(try await reopened.repository.backend.outboxRecords(after: 0, limit: 10).map(\.sequence) == [6])
        await reopened.close()
    }
}
