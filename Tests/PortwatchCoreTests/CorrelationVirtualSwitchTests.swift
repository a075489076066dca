import Foundation
import Testing

@testable import PortwatchCore

/// The host side: a host's virtual switch and each port's own interface on it.
struct CorrelationVirtualSwitchTests {
    private func at(_ seconds: Double) -> Date { Date(timeIntervalSince1970: seconds) }

    private func event(_ resource: PhysicalResourceRef, _ state: FaultState, _ time: Double, source: String = "ovsdb")
        -> FaultEvent
    {
        FaultEvent(resource: resource, state: state, time: at(time), source: source)
    }

    /// compute-a1: two normal ports on physnet1 and one SR-IOV port; compute-a3: one normal port.
    private func engine() throws -> CorrelationEngine {
        var engine = CorrelationEngine(topology: try TestFabric.topology())
        for attachment in [
            PortAttachment(portID: "tap-1", hostID: "compute-a1", segment: .physnet("physnet1")),
            PortAttachment(portID: "tap-2", hostID: "compute-a1", segment: .physnet("physnet1")),
            PortAttachment(portID: "vf-1", hostID: "compute-a1", segment: .physnet("physnet1"), vnicType: "direct"),
            PortAttachment(portID: "tap-3", hostID: "compute-a3", segment: .physnet("physnet1")),
        ] {
            _ = engine.upsertAttachment(attachment, now: at(0))
        }
        return engine
    }

    @Test func aVirtualSwitchDownTakesItsHostsVirtualPortsDownOnly() throws {
        var engine = try engine()
        #expect(engine.knows(.vswitch("compute-a1")))
        let result = engine.apply([event(.vswitch("compute-a1"), .down, 1)], now: at(1))
        #expect(result.changes.map(\.portID) == ["tap-1", "tap-2"])
        #expect(engine.state(ofPort: "vf-1") == .up, "SR-IOV bypasses the virtual switch")
        #expect(engine.state(ofPort: "tap-3") == .up)
        #expect(engine.assessment(portID: "tap-1")?.rootCause == [.vswitch("compute-a1")])
        let back = engine.apply([event(.vswitch("compute-a1"), .up, 2)], now: at(2))
        #expect(back.changes.map(\.current) == [.up, .up])
    }

    @Test func aPortsInterfaceDownTakesThatPortAloneAndComesBack() throws {
        var engine = try engine()
        #expect(engine.knows(.vif("tap-1")))
        #expect(!engine.knows(.vif("no-such-port")))
        var result = engine.apply([event(.vif("tap-1"), .down, 1)], now: at(1))
        #expect(result.changes.map(\.portID) == ["tap-1"])
        #expect(result.changes.first?.cause.rootCause == [.vif("tap-1")])
        #expect(engine.state(ofPort: "tap-2") == .up, "its neighbour on the same point is untouched")
        #expect(engine.assessment(portID: "tap-1")?.rootCause == [.vif("tap-1")])

        // A leaf failure now takes tap-2 down; tap-1 is down already and does not change.
        let uplinks = engine.apply([event(.switch("leaf-a1"), .down, 2), event(.switch("leaf-a2"), .down, 2)], now: at(2))
        #expect(uplinks.changes.map(\.portID).contains("tap-2"))
        #expect(!uplinks.changes.map(\.portID).contains("tap-1"))

        // The interface comes back while the leaves are still down: tap-1 stays down (no change).
        result = engine.apply([event(.vif("tap-1"), .up, 3)], now: at(3))
        #expect(result.changes.isEmpty)
        #expect(engine.state(ofPort: "tap-1") == .down)
        #expect(engine.assessment(portID: "tap-1")?.attachmentPoint == engine.assessment(portID: "tap-2")?.attachmentPoint)

        // Both in one batch: leaves back and the interface down again → tap-1 stays down, one
        // change for tap-2 only.
        result = engine.apply(
            [event(.switch("leaf-a1"), .up, 4), event(.switch("leaf-a2"), .up, 4), event(.vif("tap-1"), .down, 4)],
            now: at(4))
        #expect(result.changes.map(\.portID).filter { $0.hasPrefix("tap-") } == ["tap-2"])
        #expect(engine.state(ofPort: "tap-1") == .down)
        #expect(engine.state(ofPort: "tap-2") == .up)
    }

    @Test func maintenanceOfTheHostCoversItsVirtualSwitchAndInterfaces() throws {
        var engine = try engine()
        _ = try engine.setMaintenance(.host("compute-a1"), active: true, now: at(1), source: "admin")
        let result = engine.apply([event(.vswitch("compute-a1"), .down, 2), event(.vif("tap-1"), .down, 2)], now: at(2))
        #expect(result.changes.isEmpty)
        #expect(engine.assessment(portID: "tap-1")?.suppressedFaults.map(\.resource).sorted() == [
            .vif("tap-1"), .vswitch("compute-a1"),
        ])
        let ended = try engine.setMaintenance(.host("compute-a1"), active: false, now: at(3), source: "admin")
        #expect(ended.changes.map(\.portID) == ["tap-1", "tap-2"])
    }

    @Test func aPortBoundAfterItsTapWentDownBindsDown() throws {
        var engine = try engine()
        _ = engine.upsertAttachment(PortAttachment(portID: "late", hostID: "", segment: .overlay), now: at(0))
        #expect(engine.knows(.vif("late")), "the port exists, unbound")
        let result = engine.apply([event(.vif("late"), .down, 1)], now: at(1))
        #expect(result.changes.isEmpty, "an unbound port has no state to change")
        let change = engine.upsertAttachment(
            PortAttachment(portID: "late", hostID: "compute-a1", segment: .physnet("physnet1")), now: at(2))
        #expect(change?.current == .down)
        #expect(engine.assessment(portID: "late")?.rootCause == [.vif("late")])
    }

    @Test func faultsLoadedBeforeThePortsAndAPortsRemovalForgetsItsInterface() throws {
        // As at start-up: the stored events first, then the ports.
        var engine = CorrelationEngine(topology: try TestFabric.topology())
        _ = engine.apply([event(.vif("tap-1"), .down, 1), event(.vswitch("compute-x"), .down, 1)], now: at(1))
        _ = engine.upsertAttachment(
            PortAttachment(portID: "tap-1", hostID: "compute-a1", segment: .physnet("physnet1")), now: at(2))
        _ = engine.upsertAttachment(PortAttachment(portID: "tap-x", hostID: "compute-x", segment: .overlay), now: at(2))
        _ = engine.upsertAttachment(
            PortAttachment(portID: "tap-2", hostID: "compute-a1", segment: .physnet("physnet1")), now: at(2))
        #expect(engine.state(ofPort: "tap-1") == .down)
        #expect(engine.state(ofPort: "tap-x") == .down, "a host only bindings name has a virtual switch too")
        #expect(engine.state(ofPort: "tap-2") == .up)
        let forgotten = engine.removeAttachment(portID: "tap-1")
        #expect(forgotten.map(\.resource) == [.vif("tap-1")])
        #expect(engine.faultRecords(for: .vif("tap-1")).isEmpty)
        #expect(!engine.knows(.vif("tap-1")))
    }
}
