import Foundation
import NeutronClient
import PortwatchCore
import Testing

@testable import BridgeMode

/// ``ChangeSet/mirror(networks:ports:deletedPorts:complete:records:inFlight:)``: what Neutron has
/// becomes the mirror, and an admin's value in Neutron becomes (or clears) a manual override.
struct MirrorTests {
    static let now = Date(timeIntervalSince1970: 1_796_554_800)

    static func port(_ id: String, _ value: DataPlaneStatus?, revision: Int, host: String = "compute-1") -> NeutronPort
    {
        NeutronPort(
            id: id, networkID: "net", projectID: "proj", macAddress: "fa:16:3e:00:00:\(id.suffix(2))",
            bindingHostID: host, dataPlaneStatus: value, revisionNumber: revision)
    }

    /// Mirrors `ports` over `state`, returning the committed state and the outcome.
    static func mirror(
        _ ports: [NeutronPort], over state: ModelState = ModelState(), records: [String: NeutronPortRecord] = [:],
        inFlight: [String: DataPlaneStatus?] = [:], deleted: Set<String> = [], complete: Bool = false
    ) -> (ModelState, ChangeSet.MirrorOutcome) {
        var changeSet = ChangeSet(base: state, now: now, derivation: PortStatusDerivation())
        let outcome = changeSet.mirror(
            networks: [NeutronNetwork(id: "net", projectID: "proj")], ports: ports, deletedPorts: deleted,
            complete: complete, records: records, inFlight: inFlight)
        var next = state
        next.apply(changeSet.changes)
        return (next, outcome)
    }

    @Test func newPortsAreMirroredWithTheirBinding() throws {
        let (state, outcome) = Self.mirror([Self.port("p01", nil, revision: 3)])
        let port = try #require(state.ports["p01"])
        #expect(port.bindingHostID == "compute-1")
        #expect(port.networkID == "net")
        #expect(port.dataPlaneStatus == nil && port.dataPlaneStatusOverride == nil)
        #expect(outcome.records["p01"] == NeutronPortRecord(value: nil, revision: 3))
        #expect(outcome.overrides.isEmpty)
        #expect(state.networks["net"] != nil)
    }

    @Test func aValueFoundAtFirstSightIsAnOverride() throws {
        let (state, outcome) = Self.mirror([Self.port("p01", .down, revision: 2)])
        #expect(state.ports["p01"]?.dataPlaneStatusOverride == .down)
        #expect(state.ports["p01"]?.dataPlaneStatus == .down)
        #expect(outcome.overrides["p01"] == .some(.down))
    }

    @Test func anAdminsNewValueIsAnOverrideAndNullClearsIt() throws {
        let (committed, first) = Self.mirror([Self.port("p01", nil, revision: 1)])
        // Correlation had marked it DOWN and Portwatch wrote DOWN at revision 2.
        var state = committed
        var port = try #require(state.ports["p01"])
        port.correlatedDataPlaneStatus = .down
        port.dataPlaneStatus = .down
        state.put(port)
        var records = first.records
        records["p01"] = NeutronPortRecord(value: .down, revision: 2)
        // The admin sets ACTIVE in Neutron (revision 3).
        let (overridden, second) = Self.mirror([Self.port("p01", .active, revision: 3)], over: state, records: records)
        #expect(overridden.ports["p01"]?.dataPlaneStatusOverride == .active)
        #expect(overridden.ports["p01"]?.dataPlaneStatus == .active)
        #expect(second.overrides["p01"] == .some(.active))
        // The admin clears it (revision 4): correlation's DOWN is the verdict again.
        records["p01"] = second.records["p01"]
        let (cleared, third) = Self.mirror([Self.port("p01", nil, revision: 4)], over: overridden, records: records)
        #expect(cleared.ports["p01"]?.dataPlaneStatusOverride == nil)
        #expect(cleared.ports["p01"]?.dataPlaneStatus == .down)
        #expect(third.overrides["p01"] == .some(nil))
        #expect(first.records["p01"] == NeutronPortRecord(value: nil, revision: 1))
    }

    @Test func portwatchsOwnWriteInFlightIsNotAnOverride() throws {
        let (state, first) = Self.mirror([Self.port("p01", nil, revision: 1)])
        // A list read while Portwatch's PUT of DOWN landed (its answer not stored yet).
        let (next, outcome) = Self.mirror(
            [Self.port("p01", .down, revision: 2)], over: state, records: first.records, inFlight: ["p01": .down])
        #expect(next.ports["p01"]?.dataPlaneStatusOverride == nil)
        #expect(outcome.overrides.isEmpty)
        #expect(outcome.records["p01"] == NeutronPortRecord(value: .down, revision: 2))
    }

    @Test func olderSnapshotsChangeNothing() throws {
        let (state, _) = Self.mirror([Self.port("p01", nil, revision: 1)])
        let records = ["p01": NeutronPortRecord(value: .down, revision: 5)]
        let (next, outcome) = Self.mirror(
            [Self.port("p01", nil, revision: 4, host: "elsewhere")], over: state, records: records)
        #expect(next.ports["p01"]?.bindingHostID == "compute-1")
        #expect(outcome.records.isEmpty && outcome.overrides.isEmpty)
    }

    @Test func aCompleteSyncRemovesWhatNeutronNoLongerHas() throws {
        let (state, first) = Self.mirror([Self.port("p01", nil, revision: 1), Self.port("p02", nil, revision: 1)])
        let (next, outcome) = Self.mirror(
            [Self.port("p02", nil, revision: 1)], over: state, records: first.records, complete: true)
        #expect(next.ports["p01"] == nil && next.ports["p02"] != nil)
        #expect(outcome.removed == ["p01"])
        let (afterDelete, deletion) = Self.mirror([], over: next, records: first.records, deleted: ["p02"])
        #expect(afterDelete.ports.isEmpty)
        #expect(deletion.removed == ["p02"])
    }

    @Test func aFullSyncLeavesWhatNotificationsChangedSinceItsListsWereRead() throws {
        // "new" was created (by a notification) after the lists were read; "old" deleted meanwhile
        let (state, first) = Self.mirror([Self.port("p-new", nil, revision: 1)])
        var changeSet = ChangeSet(base: state, now: Self.now, derivation: PortStatusDerivation())
        let outcome = changeSet.mirror(
            networks: [], ports: [Self.port("p-old", nil, revision: 1)], complete: true, records: first.records,
            inFlight: [:], newer: ["p-new", "p-old", "net"])
        var next = state
        next.apply(changeSet.changes)
        #expect(next.ports["p-new"] != nil && next.ports["p-old"] == nil)
        #expect(next.networks["net"] != nil)
        #expect(outcome.removed.isEmpty && outcome.records.isEmpty)
    }

    @Test func answersOlderThanWhatWasSeenAreNotStored() {
        var changeSet = ChangeSet(base: ModelState(), now: Self.now, derivation: PortStatusDerivation())
        let outcome = changeSet.recordWrites(
            [
                Self.port("p01", .down, revision: 3), Self.port("p02", .down, revision: 3),
                Self.port("gone", .down, revision: 9),
            ],
            records: [
                "p01": NeutronPortRecord(value: .active, revision: 4),
                "p02": NeutronPortRecord(value: nil, revision: 2),
            ])
        #expect(outcome.records == ["p02": NeutronPortRecord(value: .down, revision: 3)])
    }
}

struct WriteQueueTests {
    @Test func downFirstOnceEachAndNeverTwiceAtOnce() async {
        let queue = WriteQueue()
        queue.mark("a", urgent: false)
        queue.mark("b", urgent: true)
        queue.mark("a", urgent: false)
        queue.mark("c", urgent: true)
        #expect(queue.count == 3)
        #expect(await queue.next() == "b")
        #expect(await queue.next() == "c")
        #expect(await queue.next() == "a")
        #expect(queue.count == 0)
        // "a" is being written: marking it again waits for the write to end.
        queue.mark("a", urgent: true)
        #expect(queue.count == 0)
        queue.finished("a", urgent: true)
        #expect(queue.count == 1)
        #expect(await queue.next() == "a")
        queue.finished("a", urgent: false)
        queue.finished("b", urgent: false)
        #expect(queue.count == 0)
    }

    @Test func closeWakesWaiters() async {
        let queue = WriteQueue()
        async let waiting = queue.next()
        // The waiter may park before or after close: either way it gets nil.
        queue.close()
        #expect(await waiting == nil)
        #expect(await queue.next() == nil)
    }

    @Test func aMarkHandsThePortToAWaitingWorker() async {
        let queue = WriteQueue()
        let worker = Task { await queue.next() }
        queue.mark("x", urgent: false)
        #expect(await worker.value == "x")
    }
}
