import Foundation
import PortwatchCore
import Testing

struct CorrelationEventRulesTests {
    private func at(_ seconds: Double) -> Date { Date(timeIntervalSince1970: seconds) }

    @Test func classifiesAcceptedDuplicateOutOfOrderAndUnknownEvents() throws {
        var engine = try TestFabric.engine()
        let down = FaultEvent(resource: .switch("leaf-a3"), state: .down, time: at(10), source: "onos")
        let repeated = FaultEvent(resource: .switch("leaf-a3"), state: .down, time: at(11), source: "onos")
        let stale = FaultEvent(resource: .switch("leaf-a3"), state: .up, time: at(9), source: "onos")
        let unknown = FaultEvent(resource: .switch("leaf-zz"), state: .down, time: at(10), source: "onos")
        let result = engine.apply([down, repeated, stale, unknown], now: at(12))
        #expect(result.accepted == [down])
        #expect(result.duplicates == [repeated])
        #expect(
            result.ignored == [
                IgnoredFaultEvent(event: stale, reason: .outOfOrder(latestEventTime: at(11))),
                IgnoredFaultEvent(event: unknown, reason: .unknownResource),
            ])
        #expect(result.unknownResourceEvents == [unknown])
        #expect(result.changes.count == 3)
    }

    @Test func unknownResourceLeavesStateUnchanged() throws {
        var engine = try TestFabric.engine()
        let result = engine.apply(
            [FaultEvent(resource: .switchPort("leaf-a3:Ethernet99"), state: .down, time: at(1), source: "onos")],
            now: at(1))
        #expect(result.changes.isEmpty)
        #expect(result.accepted.isEmpty)
        #expect(engine.activeFaults.isEmpty)
        #expect(engine.faultRecords(for: .switchPort("leaf-a3:Ethernet99")).isEmpty)
    }

    @Test func upWithoutPriorDownIsADuplicateThatStillOrdersLaterEvents() throws {
        var engine = try TestFabric.engine()
        let up = FaultEvent(resource: .switch("leaf-a3"), state: .up, time: at(5), source: "onos")
        let lateDown = FaultEvent(resource: .switch("leaf-a3"), state: .down, time: at(4), source: "onos")
        #expect(engine.apply([up], now: at(5)).duplicates == [up])
        let result = engine.apply([lateDown], now: at(6))
        #expect(result.ignored.map(\.reason) == [.outOfOrder(latestEventTime: at(5))])
        #expect(result.changes.isEmpty)
    }

    @Test func auditRecordNamesFaultsSourcesTimesAndRootCause() throws {
        var engine = try TestFabric.engine()
        let event = FaultEvent(
            resource: .switch("leaf-a3"), state: .down, time: at(100), source: "alertmanager", severity: .major,
            correlationID: "1a30ba71cca2921f", reason: "SwitchDown firing")
        let portEvent = FaultEvent(
            resource: .switchPort("leaf-a3:Ethernet1"), state: .down, time: at(101), source: "onos",
            reason: "PORT_UPDATED isEnabled=false")
        let result = engine.apply([event, portEvent], now: at(102))
        let change = try #require(result.changes.first { $0.portID == "vm-a3-vlan" })
        #expect(change.previous == .up)
        #expect(change.current == .down)
        #expect(change.decidedAt == at(102))
        #expect(change.cause.trigger == .faultEvents)
        #expect(change.cause.rootCause == [.switch("leaf-a3")])
        #expect(change.cause.faults.map(\.source) == ["alertmanager", "onos"])
        let switchFault = try #require(change.cause.faults.first)
        #expect(switchFault.resource == .switch("leaf-a3"))
        #expect(switchFault.since == at(100))
        #expect(switchFault.recordedAt == at(102))
        #expect(switchFault.severity == .major)
        #expect(switchFault.correlationID == "1a30ba71cca2921f")
        #expect(switchFault.reason == "SwitchDown firing")
    }

    @Test func recoveryAuditNamesWhatRecovered() throws {
        var engine = try TestFabric.engine()
        _ = engine.apply(
            [FaultEvent(resource: .switch("leaf-a3"), state: .down, time: at(1), source: "onos")], now: at(1))
        let result = engine.apply(
            [FaultEvent(resource: .switch("leaf-a3"), state: .up, time: at(2), source: "onos", reason: "available")],
            now: at(2))
        let change = try #require(result.changes.first { $0.portID == "vm-a3-vxlan" })
        #expect(change.current == .up)
        #expect(change.cause.rootCause.isEmpty)
        #expect(change.cause.previousRootCause == [.switch("leaf-a3")])
        #expect(change.cause.faults.map(\.state) == [.up])
        #expect(change.cause.faults.first?.since == at(2))
    }

    @Test func activeFaultsAreKeptPerSource() throws {
        var engine = try TestFabric.engine()
        _ = engine.apply(
            [
                FaultEvent(resource: .switch("leaf-a3"), state: .down, time: at(1), source: "onos"),
                FaultEvent(resource: .switch("leaf-a3"), state: .down, time: at(1), source: "alertmanager"),
                FaultEvent(resource: .switch("leaf-a3"), state: .up, time: at(2), source: "onos"),
            ], now: at(2))
        #expect(engine.activeFaults.map(\.source) == ["alertmanager"])
        #expect(engine.faultRecords(for: .switch("leaf-a3")).map(\.state) == [.down, .up])
        #expect(engine.isFaulty(.switch("leaf-a3")))
    }

    @Test func assessmentShowsDegradedStateAndSuppressedFaults() throws {
        var engine = try TestFabric.engine()
        _ = engine.apply(
            [FaultEvent(resource: .switch("leaf-a1"), state: .down, time: at(1), source: "onos")], now: at(1))
        let degraded = try #require(engine.assessment(portID: "vm-a1-vlan"))
        #expect(degraded.state == .degraded)
        #expect(degraded.rootCause == [.switch("leaf-a1")])
        #expect(degraded.faults.map(\.resource) == [.switch("leaf-a1")])
        #expect(
            degraded.attachmentPoint
                == .vswitch(
                    hostID: "compute-a1", .hostInterface(hostID: "compute-a1", interface: .bond("compute-a1:bond0"))))
        #expect(!degraded.hasBeenDown)

        _ = try engine.setMaintenance(.switch("leaf-a1"), active: true, now: at(2), source: "fenix")
        let suppressed = try #require(engine.assessment(portID: "vm-a1-vlan"))
        #expect(suppressed.state == .up)
        #expect(suppressed.faults.isEmpty)
        #expect(suppressed.suppressedFaults.map(\.resource) == [.switch("leaf-a1")])
        #expect(engine.maintenanceWindows.map(\.resource) == [.switch("leaf-a1")])
    }

    @Test func assessmentRemembersThatAPortWasDown() throws {
        var engine = try TestFabric.engine()
        _ = engine.apply(
            [FaultEvent(resource: .host("compute-a3"), state: .down, time: at(1), source: "doctor")], now: at(1))
        _ = engine.apply(
            [FaultEvent(resource: .host("compute-a3"), state: .up, time: at(2), source: "doctor")], now: at(2))
        let assessment = try #require(engine.assessment(portID: "vm-a3-vlan"))
        #expect(assessment.state == .up)
        #expect(assessment.hasBeenDown)
    }

    @Test func portsDependingOnALeafAreFoundThroughTheIndex() throws {
        let engine = try TestFabric.engine()
        #expect(engine.ports(dependingOn: .switch("leaf-b1")) == ["bm-2", "vm-b1-vxlan", "vm-b2-vlan"])
        #expect(engine.ports(dependingOn: .switchPort("leaf-b3:Ethernet5")) == ["bm-1"])
    }

    @Test func maintenanceRejectsUnknownAndUnmaintainableResources() throws {
        var engine = try TestFabric.engine()
        #expect(throws: CorrelationError.self) {
            try engine.setMaintenance(.switch("leaf-zz"), active: true, now: at(1), source: "fenix")
        }
        do {
            _ = try engine.setMaintenance(
                .link("leaf-a3:Ethernet1--compute-a3:eth0"), active: true, now: at(1), source: "fenix")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .notMaintainable)
        }
        #expect(engine.maintenanceWindows.isEmpty)
    }

    @Test func repeatingMaintenanceChangesNothing() throws {
        var engine = try TestFabric.engine()
        _ = engine.apply(
            [FaultEvent(resource: .switch("leaf-a3"), state: .down, time: at(1), source: "onos")], now: at(1))
        #expect(
            try engine.setMaintenance(.switch("leaf-a3"), active: true, now: at(2), source: "fenix").changes.count == 3)
        #expect(
            try engine.setMaintenance(.switch("leaf-a3"), active: true, now: at(3), source: "fenix").changes.isEmpty)
        let ended = try engine.setMaintenance(.switch("leaf-a3"), active: false, now: at(4), source: "fenix")
        #expect(
            ended.changes.allSatisfy {
                $0.cause.trigger == .maintenanceEnded(resource: .switch("leaf-a3"), source: "fenix")
            })
        #expect(ended.changes.map(\.current) == [.down, .down, .down])
    }
}
