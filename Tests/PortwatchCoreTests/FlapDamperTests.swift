import Foundation
@testable import PortwatchCore
import Testing

struct FlapDamperTests {
    private func at(_ seconds: Double) -> Date { Date(timeIntervalSince1970: seconds) }

    private func change(_ port: String, _ from: DataPlaneState?, _ to: DataPlaneState?, at seconds: Double)
        -> PortDataPlaneChange
    {
        PortDataPlaneChange(
            portID: port, previous: from, current: to, decidedAt: at(seconds),
            cause: AuditCause(trigger: .faultEvents, rootCause: [], faults: []))
    }

    @Test func firstChangeCommitsImmediately() {
        var damper = FlapDamper(holdDown: 2)
        #expect(damper.offer(change("p", .up, .down, at: 0), now: at(0)) == .commit(change("p", .up, .down, at: 0)))
        #expect(damper.nextDueTime == nil)
    }

    @Test func twentyBouncesInOneSecondProduceOneNotificationAndTheFinalState() {
        var damper = FlapDamper(holdDown: 2)
        var published: [PortDataPlaneChange] = []
        var state: DataPlaneState = .up
        for bounce in 0..<40 {
            let next: DataPlaneState = state == .up ? .down : .up
            let now = Double(bounce) * 0.025
            if case .commit(let committed) = damper.offer(change("p", state, next, at: now), now: at(now)) {
                published.append(committed)
            }
            state = next
        }
        #expect(published.map(\.current) == [.down])
        #expect(damper.nextDueTime == at(2))
        #expect(damper.due(now: at(1.5)).isEmpty)
        let final = damper.due(now: at(2))
        #expect(final.map(\.current) == [.up])
        #expect(final.first?.previous == .down)
        #expect(final.first?.decidedAt == at(2))
        #expect(damper.heldCount == 0)
    }

    @Test func bounceBackToTheCommittedStateInsideTheWindowIsSilent() {
        var damper = FlapDamper(holdDown: 2)
        _ = damper.offer(change("p", .up, .down, at: 0), now: at(0))
        #expect(damper.offer(change("p", .down, .up, at: 0.1), now: at(0.1)) == .held(until: at(2)))
        #expect(damper.offer(change("p", .up, .down, at: 0.2), now: at(0.2)) == .held(until: at(2)))
        #expect(damper.due(now: at(2)).isEmpty)
        #expect(damper.nextDueTime == nil)
    }

    @Test func changeAfterTheWindowCommitsAtOnce() {
        var damper = FlapDamper(holdDown: 2)
        _ = damper.offer(change("p", .up, .down, at: 0), now: at(0))
        guard case .commit(let committed) = damper.offer(change("p", .down, .up, at: 3), now: at(3)) else {
            Issue.record("expected a commit")
            return
        }
        #expect(committed.previous == .down)
        #expect(committed.current == .up)
    }

    @Test func heldChangeRestartsTheWindowWhenCommitted() {
        var damper = FlapDamper(holdDown: 2)
        _ = damper.offer(change("p", .up, .down, at: 0), now: at(0))
        _ = damper.offer(change("p", .down, .degraded, at: 1), now: at(1))
        #expect(damper.due(now: at(2)).map(\.current) == [.degraded])
        #expect(damper.offer(change("p", .degraded, .up, at: 3), now: at(3)) == .held(until: at(4)))
        #expect(damper.due(now: at(4)).map(\.current) == [.up])
    }

    @Test func portsAreDampedIndependently() {
        var damper = FlapDamper(holdDown: 2)
        _ = damper.offer(change("p1", .up, .down, at: 0), now: at(0))
        #expect(
            damper.offer(change("p2", .up, .down, at: 0.5), now: at(0.5)) == .commit(change("p2", .up, .down, at: 0.5)))
        _ = damper.offer(change("p1", .down, .up, at: 1), now: at(1))
        _ = damper.offer(change("p2", .down, .up, at: 1), now: at(1))
        #expect(damper.nextDueTime == at(2))
        #expect(damper.due(now: at(2)).map(\.portID) == ["p1"])
        #expect(damper.due(now: at(2.5)).map(\.portID) == ["p2"])
    }

    @Test func zeroHoldDownDisablesDamping() {
        var damper = FlapDamper(holdDown: 0)
        var commits = 0
        for index in 0..<20 {
            let down = index.isMultiple(of: 2)
            if case .commit = damper.offer(
                change("p", down ? .up : .down, down ? .down : .up, at: 0), now: at(0))
            {
                commits += 1
            }
        }
        #expect(commits == 20)
    }

    @Test func damperOverEngineOutputKeepsTheFinalState() throws {
        var engine = try TestFabric.engine()
        var damper = FlapDamper(holdDown: 1)
        var published: [PortDataPlaneChange] = []
        for bounce in 0..<20 {
            let time = Double(bounce) * 0.05
            for state in [FaultState.down, .up] {
                let now = time + (state == .down ? 0 : 0.025)
                let result = engine.apply(
                    [FaultEvent(resource: .switch("leaf-a3"), state: state, time: at(now), source: "onos")],
                    now: at(now))
                for change in result.changes {
                    if case .commit(let committed) = damper.offer(change, now: at(now)) { published.append(committed) }
                }
            }
        }
        _ = engine.apply(
            [FaultEvent(resource: .switch("leaf-a3"), state: .down, time: at(1.2), source: "onos")], now: at(1.2)
        )
        .changes.map { damper.offer($0, now: at(1.2)) }
        published += damper.due(now: at(2.5))
        let perPort = Dictionary(grouping: published, by: \.portID)
        #expect(Set(perPort.keys) == ["vm-a3-vlan", "vm-a3-vxlan", "vm-a4-vlan"])
        for (_, changes) in perPort {
            #expect(changes.count == 1)
            #expect(changes.last?.current == .down)
        }
    }

    @Test func dueForgetsIdlePortsAndKeepsTheOnesItCommitted() {
        var damper = FlapDamper(holdDown: 2)
        _ = damper.offer(change("idle", .up, .down, at: 0), now: at(0))
        _ = damper.offer(change("p", .up, .down, at: 0), now: at(0))
        _ = damper.offer(change("p", .down, .up, at: 1), now: at(1))
        _ = damper.offer(change("late", .up, .down, at: 1.5), now: at(1.5))
        #expect(damper.due(now: at(2)).map(\.portID) == ["p"])
        #expect(Set(damper.histories.keys) == ["p", "late"])
        // p's window restarted with its committed change: a change now is held until 4.
        #expect(damper.offer(change("p", .up, .down, at: 3), now: at(3)) == .held(until: at(4)))
        #expect(damper.nextDueTime == at(4))
    }

    /// The next due time is the held port's, whatever the number of ports merely remembered.
    @Test func nextDueTimeIsTheHeldPortsAmongManyRemembered() {
        var damper = FlapDamper(holdDown: 2)
        for index in 0..<10_000 {
            _ = damper.offer(change("port-\(index)", .up, .down, at: 0), now: at(Double(index) / 10_000))
        }
        #expect(damper.nextDueTime == nil)
        _ = damper.offer(change("port-5000", .down, .up, at: 1), now: at(1))
        #expect(damper.heldCount == 1)
        #expect(damper.nextDueTime == at(2.5))
        #expect(damper.due(now: at(2.4)).isEmpty)
        #expect(damper.due(now: at(2.5)).map(\.portID) == ["port-5000"])
        #expect(damper.heldCount == 0)
        #expect(damper.nextDueTime == nil)
    }

    @Test func aForgottenPortHasNothingHeld() {
        var damper = FlapDamper(holdDown: 2)
        _ = damper.offer(change("p", .up, .down, at: 0), now: at(0))
        _ = damper.offer(change("p", .down, .up, at: 1), now: at(1))
        damper.forget("p")
        #expect(damper.heldCount == 0)
        #expect(damper.nextDueTime == nil)
        #expect(damper.due(now: at(5), force: true).isEmpty)
        #expect(damper.offer(change("p", .up, .down, at: 6), now: at(6)) == .commit(change("p", .up, .down, at: 6)))
    }

    /// A change set writes what the damper lets through, as the damper lets it through: a change it
    /// holds is not written, and one committed after its window carries the last committed state.
    @Test func aChangeSetWritesWhatTheDamperLetsThrough() {
        let now = at(1)
        let network = Network(id: "net", projectID: "proj", createdAt: now)
        let ports = ["p1", "p2", "p3", "p4"].map { id in
            Port(id: id, networkID: "net", projectID: "proj", macAddress: "fa:16:3e:00:00:0\(id.last!)", createdAt: now)
        }
        var base = ModelState(networks: [network], ports: ports)
        var correlation = CorrelationState(
            engine: CorrelationEngine(topology: Topology()), holdDown: 2)
        _ = correlation.damper.offer(change("p2", .up, .down, at: 0.5), now: at(0.5))  // window until 2.5
        _ = correlation.damper.offer(change("p3", .up, .down, at: -5), now: at(-5))  // window over
        base.correlation = correlation
        var changeSet = ChangeSet(base: base, now: now, derivation: PortStatusDerivation())
        let written = changeSet.commitCorrelated(
            [
                change("p1", .up, .down, at: 1), change("p2", .down, .up, at: 1), change("p3", .up, .degraded, at: 1),
                change("p4", .up, .down, at: 1),
            ], now: now)
        #expect(written == ChangeSet.CorrelatedWrite(committed: 3, held: 1))
        #expect(changeSet.audit.map(\.subject) == ["p1", "p3", "p4"])
        let previous = changeSet.audit.map { line in
            (try? JSONSerialization.jsonObject(with: Data(line.body))).flatMap {
                ($0 as? [String: Any])?["previous"] as? String
            }
        }
        #expect(previous == ["up", "down", "up"])
        #expect(changeSet.correlation?.damper.heldCount == 1)
    }
}
