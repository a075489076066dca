import Foundation
import Testing

@testable import PortwatchCore

/// What-if: the prediction is what the same steps then do to the engine, and predicting changes nothing.
struct CorrelationWhatIfTests {
    private func at(_ seconds: Double) -> Date { Date(timeIntervalSince1970: seconds) }

    private func down(_ resource: PhysicalResourceRef, _ time: Double = 10) -> FaultEvent {
        FaultEvent(resource: resource, state: .down, time: at(time), source: "onos")
    }

    /// compute-a1 (bond over leaf-a1 and leaf-a2), compute-a3 (leaf-a3), compute-b2 (leaf-b1).
    private func engine() throws -> CorrelationEngine {
        var engine = CorrelationEngine(topology: try TestFabric.topology())
        for (port, host) in [("p-a1", "compute-a1"), ("p-a3", "compute-a3"), ("p-b2", "compute-b2")] {
            _ = engine.upsertAttachment(
                PortAttachment(portID: port, hostID: host, segment: .physnet("physnet1")), now: at(0))
        }
        return engine
    }

    static let scenarios: [(String, WhatIfScenario)] = [
        (
            "leaf down",
            WhatIfScenario(events: [
                FaultEvent(
                    resource: .switch("leaf-a3"), state: .down, time: Date(timeIntervalSince1970: 10), source: "onos")
            ])
        ),
        (
            "bond member",
            WhatIfScenario(events: [
                FaultEvent(
                    resource: .switch("leaf-a1"), state: .down, time: Date(timeIntervalSince1970: 10), source: "onos")
            ])
        ),
        ("host maintenance", WhatIfScenario(maintenance: [.init(resource: .host("compute-b2"), active: true)])),
        (
            "combined",
            WhatIfScenario(
                maintenance: [.init(resource: .switch("leaf-a3"), active: true)],
                events: [
                    FaultEvent(
                        resource: .switch("leaf-a3"), state: .down, time: Date(timeIntervalSince1970: 10),
                        source: "onos"),
                    FaultEvent(
                        resource: .host("compute-b2"), state: .down, time: Date(timeIntervalSince1970: 10),
                        source: "onos"),
                ])
        ),
    ]

    @Test(arguments: scenarios.indices)
    func predictionIsWhatTheStepsThenDo(_ index: Int) throws {
        let (name, scenario) = Self.scenarios[index]
        var engine = try engine()
        let before = ["p-a1", "p-a3", "p-b2"].map { engine.state(ofPort: $0) }
        let prediction = try engine.predict(scenario, now: at(20))
        #expect(
            ["p-a1", "p-a3", "p-b2"].map { engine.state(ofPort: $0) } == before, "\(name): predicting changes nothing")
        #expect(engine.activeFaults.isEmpty && engine.maintenanceWindows.isEmpty)
        var changes: [PortDataPlaneChange] = []
        for change in scenario.maintenance {
            changes += try engine.setMaintenance(change.resource, active: change.active, now: at(20), source: "x")
                .changes
        }
        changes += engine.apply(scenario.events, now: at(20)).changes
        #expect(prediction.changes == CorrelationEngine.coalesce(changes), "\(name)")
        for change in prediction.changes {
            #expect(engine.state(ofPort: change.portID) == change.current, "\(name): \(change.portID)")
        }
    }

    @Test func predictionsNameTheirPortsAndCauses() throws {
        let engine = try engine()
        let leaf = try engine.predict(WhatIfScenario(events: [down(.switch("leaf-a3"))]), now: at(20))
        #expect(leaf.changes.map(\.portID) == ["p-a3"])
        #expect(leaf.changes.first?.current == .down)
        #expect(leaf.changes.first?.cause.rootCause == [.switch("leaf-a3")])
        let member = try engine.predict(WhatIfScenario(events: [down(.switch("leaf-a1"))]), now: at(20))
        #expect(member.changes.map(\.current) == [.degraded], "a bond keeps a leg")
        #expect(engine.impairedPorts.isEmpty)
        #expect(engine.dependents(of: .switch("leaf-a3")).map(\.portID) == ["p-a3"])
        #expect(throws: CorrelationError.self) {
            try engine.predict(
                WhatIfScenario(maintenance: [.init(resource: .hostNIC("compute-a1:eth0"), active: true)]), now: at(20))
        }
    }
}
