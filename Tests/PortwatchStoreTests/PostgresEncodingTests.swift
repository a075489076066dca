import Foundation
import PortwatchCore
import PostgresNIO
import Testing

@testable import PortwatchStore

/// The commit's own parameter encodings, byte for byte against postgres-nio's.
@Suite struct PostgresEncodingTests {
    @Test(arguments: [[], [[]], [[1, 2, 3], [], [4]], [Array(repeating: 7, count: 70_000)]] as [[[UInt8]]])
    func byteaArraysEncodeAsPostgresNIOsBufferArrays(elements: [[UInt8]]) {
        var ours = PostgresBindings()
        ours.append(ByteaArray(elements: elements))
        var theirs = PostgresBindings()
        theirs.append(elements.map { ByteBuffer(bytes: $0) })
        #expect(ours == theirs)
    }
}

/// The commits of a steady write load use the statements prepared once per connection.
@Suite struct PreparedCommitShapeTests {
    /// A batch of port updates as the repository commits it: port states and their events.
    private func updates(_ count: Int) -> StoreCommit {
        var commit = StoreCommit()
        let now = Date()
        for index in 0..<count {
            var port = PortwatchCore.Port(
                id: "p\(index)", networkID: "n", projectID: "t\(index % 2)", macAddress: "fa:16:3e:00:00:0\(index)",
                createdAt: now)
            port.dataPlaneStatus = index % 2 == 0 ? .down : nil
            port.dataPlaneStatusOverride = port.dataPlaneStatus
            commit.portStates.append(port)
            for type in ["port.update.start", "port.update.end"] {
                commit.outbox.append(
                    OutboxRecord(
                        sequence: Int64(commit.outbox.count + 1),
                        event: OutboxEvent(
                            eventType: type, resourceType: "port", resourceID: port.id, projectID: nil,
                            payload: Array("{}".utf8), context: NotificationContext(Identity.system(requestID: "r")),
                            occurredAt: now)))
            }
        }
        return commit
    }

    @Test(arguments: [1, 7, 300])
    func portUpdatesHaveThePreparedShape(count: Int) throws {
        #expect(try PostgresStore.statement(for: updates(count), fencedEpoch: 42).sql == FencedStateCommit.sql)
        #expect(try PostgresStore.statement(for: updates(count), fencedEpoch: nil).sql == StateCommit.sql)
        #expect(FencedStateCommit.sql != StateCommit.sql)
    }

    /// A storm's statement binds each column of one repeated value once (see
    /// ``StatementBuilder/constantFoldingRows``): its own statement, with fewer arrays to unnest.
    @Test func aStormBindsItsRepeatedValuesOnce() throws {
        let storm = updates(StatementBuilder.constantFoldingRows)
        let sql = try PostgresStore.statement(for: storm, fencedEpoch: nil).sql
        #expect(sql != StateCommit.sql)
        #expect(sql.components(separatedBy: "unnest(").count < StateCommit.sql.components(separatedBy: "unnest(").count)
        #expect(sql.contains("$2::bigint"))
    }

    @Test func otherCommitsStayUnnamed() throws {
        var commit = updates(2)
        commit.documents = [("fault-event", "a", Array("{}".utf8))]
        #expect(try PostgresStore.statement(for: commit, fencedEpoch: 42).sql != FencedStateCommit.sql)
        commit = updates(2)
        commit.outbox = []
        #expect(try PostgresStore.statement(for: commit, fencedEpoch: nil).sql != StateCommit.sql)
    }
}
