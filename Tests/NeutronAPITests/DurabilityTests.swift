import Foundation
import HTTPTypes
import PortwatchStore
import PortwatchCore
import Testing

/// Acknowledged writes and their outbox records survive a restart on the same file.
struct DurabilityTests {
    @Test func stateAndOutboxSurviveRestart() async throws {
        let path = APIHarness.temporaryDatabase()
        let ids = IDs()
        try await APIHarness.run(databasePath: path) { api in
            let network = try await api.network()
            let port = try await api.port(network: network)
            _ = try await api.call(.put, "/v2.0/ports/\(port)", #"{"port": {"data_plane_status": "DOWN"}}"#)
            ids.port = port
        }
        try await APIHarness.run(databasePath: path) { api in
            let reply = try await api.call(.get, "/v2.0/ports/\(ids.port)")
            #expect(reply.port["data_plane_status"] as? String == "DOWN")
            #expect(reply.port["revision_number"] as? Int == 2)
            let records = try await api.repository.backend.outboxRecords(after: 0, limit: 100)
            #expect(records.map(\.sequence) == Array(1...Int64(records.count)), "gap-free and ordered")
            #expect(
                records.map(\.event.eventType) == [
                    "network.create.start", "network.create.end", "port.create.start", "port.create.end",
                    "port.update.start", "port.update.end",
                ])
            let payload = try JSONSerialization.jsonObject(with: Data(records.last!.event.payload)) as? [String: Any]
            let port = payload?["port"] as? [String: Any]
            #expect(port?["data_plane_status"] as? String == "DOWN")
            #expect(port?["revision_number"] as? Int == 2)
            #expect(api.repository.lastOutboxSequence == Int64(records.count))
        }
    }
}

final class IDs: @unchecked Sendable {
    var port = ""
    var other = ""
}
