import Foundation
import Testing

@testable import PortwatchCore

/// A storm's payloads and audit lines rendered on every core are the ones rendered one by one, in order.
struct ParallelRenderingTests {
    @Test(arguments: [0, 1, ParallelRendering.minimumParallelCount - 1, ParallelRendering.minimumParallelCount, 10_007])
    func mapKeepsIndexOrder(_ count: Int) {
        #expect(ParallelRendering.map(count) { "value \($0)" } == (0..<count).map { "value \($0)" })
    }

    /// On every core before the commit, and (from ``BackgroundRendering/minimumCount`` ports) in the
    /// background while the store writes, where the rows wait in `backgroundRows` with empty bodies.
    @Test(arguments: [ParallelRendering.minimumParallelCount + 500, BackgroundRendering.minimumCount + 500])
    func stormWritesTheSameEventsAndAuditLinesAsOnePortAtATime(count: Int) {
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let network = Network(id: "net", projectID: "proj", createdAt: now)
        // Large enough for the parallel path; one port with an admin's override (no notification).
        let ports = (0..<count).map { index in
            var port = Port(
                id: String(format: "port-%05d", index), networkID: "net", projectID: "proj",
                macAddress: String(format: "fa:16:3e:00:%02x:%02x", index / 256, index % 256), createdAt: now)
            port.name = "p\(index)"
            if index == 7 {
                port.dataPlaneStatusOverride = .active
                port.dataPlaneStatus = .active
            }
            port.status = PortStatusDerivation().status(of: port)
            return port
        }
        let base = ModelState(networks: [network], ports: ports)
        let cause = AuditCause(trigger: .faultEvents, rootCause: [.switch("spine-2")], faults: [])
        let changes = ports.map {
            PortDataPlaneChange(portID: $0.id, previous: .degraded, current: .down, decidedAt: now, cause: cause)
        }

        var storm = ChangeSet(base: base, now: now, derivation: PortStatusDerivation())
        storm.writeCorrelated(changes)
        #expect(storm.backgroundRows.isEmpty == (count < BackgroundRendering.minimumCount))
        var events = storm.events
        var audit = storm.audit
        for rows in storm.backgroundRows {
            #expect(rows.events.allSatisfy { events[$0].payload.isEmpty })
            // Chunk by chunk, as the stores take them (each chunk freed once read).
            var (eventsRead, linesRead) = ([Int](), [Int]())
            rows.forEachChunk { chunkEvents, chunkLines in
                for index in chunkEvents { events[index].payload = rows.payload(ofEvent: index) }
                for index in chunkLines { audit[index].body = rows.line(ofAudit: index) }
                eventsRead += chunkEvents
                linesRead += chunkLines
            }
            #expect(eventsRead == Array(rows.events))
            #expect(linesRead == Array(rows.audit))
        }

        // What the same changes give through the one-port API, sequentially.
        var single = ChangeSet(base: base, now: now, derivation: PortStatusDerivation())
        let decidedAt = NeutronTimestamp.formatOslo(now)
        for change in changes {
            let before = single.port(change.portID)!
            let written = single.applyCorrelatedState(
                portID: change.portID, change.current, hasBeenDown: false, by: ChangeSet.correlationIdentity)
            single.appendAudit(
                subject: change.portID,
                body: AuditRenderer.line(
                    portID: change.portID, previous: change.previous, current: change.current, decidedAt: decidedAt,
                    dataPlaneStatus: written?.dataPlaneStatus ?? before.dataPlaneStatus,
                    portChanged: written != nil),
                cause: 0)
        }

        #expect(events.count == ports.count - 1)
        #expect(events.map(\.resourceID) == single.events.map(\.resourceID))
        #expect(events.map(\.payload) == single.events.map(\.payload))
        #expect(events.map(\.eventType) == single.events.map(\.eventType))
        #expect(audit.map(\.subject) == single.audit.map(\.subject))
        #expect(audit.map(\.body) == single.audit.map(\.body))
        #expect(audit.allSatisfy { $0.cause == 0 })
        #expect(storm.auditCauses.count == 1)
        #expect(storm.port("port-00008")?.dataPlaneStatus == .down)
        #expect(storm.port("port-00008")?.revisionNumber == ports[8].revisionNumber + 1)
        #expect(storm.port("port-00007")?.dataPlaneStatus == .active)
    }
}
