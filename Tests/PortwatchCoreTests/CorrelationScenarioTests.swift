import Foundation
import PortwatchCore
import Testing

/// One step of a scenario; times are seconds since the epoch.
enum ScenarioStep: Sendable {
    case down(PhysicalResourceRef, at: Double, source: String = "onos")
    case up(PhysicalResourceRef, at: Double, source: String = "onos")
    /// Several events applied in one `apply` call.
    case batch([ScenarioStep])
    case maintenance(PhysicalResourceRef, active: Bool, at: Double)

    var events: [FaultEvent] {
        switch self {
        case .down(let resource, let time, let source):
            [FaultEvent(resource: resource, state: .down, time: Date(timeIntervalSince1970: time), source: source)]
        case .up(let resource, let time, let source):
            [FaultEvent(resource: resource, state: .up, time: Date(timeIntervalSince1970: time), source: source)]
        case .batch(let steps):
            steps.flatMap(\.events)
        case .maintenance:
            []
        }
    }
}

/// An audit record as a scenario expects it: the port's transition and its root cause.
struct ExpectedChange: Hashable, Sendable, CustomStringConvertible {
    var portID: String
    var from: DataPlaneState?
    var to: DataPlaneState?
    var rootCause: [PhysicalResourceRef]

    var description: String {
        "\(portID): \(from.map(\.rawValue) ?? "nil") → \(to.map(\.rawValue) ?? "nil") \(rootCause)"
    }
}

/// A table row: events in; exact DOWN and degraded sets and the last step's audit records out.
struct CorrelationScenario: Sendable, CustomTestStringConvertible {
    var name: String
    var steps: [ScenarioStep]
    var down: Set<String>
    var degraded: Set<String> = []
    /// The changes produced by the last step, exactly.
    var lastChanges: Set<ExpectedChange>

    var testDescription: String { name }
}

private let leafA3Ports = ["vm-a3-vlan", "vm-a3-vxlan", "vm-a4-vlan"]
private let podAPorts = [
    "vm-a1-vlan", "vm-a1-vxlan", "vm-a2-vlan", "vm-a2-sriov", "vm-a3-vlan", "vm-a3-vxlan", "vm-a4-vlan", "vm-a4-vxlan",
]
private let podBPorts = ["vm-b1-vxlan", "vm-b2-vlan", "vm-b3-vlan", "vm-b4-any", "bm-1", "bm-2"]

private func changes(
    _ ports: [String], _ from: DataPlaneState?, _ to: DataPlaneState?, _ rootCause: [PhysicalResourceRef]
) -> Set<ExpectedChange> {
    Set(ports.map { ExpectedChange(portID: $0, from: from, to: to, rootCause: rootCause) })
}

struct CorrelationScenarioTests {
    static let scenarios: [CorrelationScenario] = [
        CorrelationScenario(
            name: "leaf down takes its single-homed ports down",
            steps: [.down(.switch("leaf-a3"), at: 1)],
            down: Set(leafA3Ports),
            lastChanges: changes(leafA3Ports, .up, .down, [.switch("leaf-a3")])),
        CorrelationScenario(
            name: "leaf down only degrades bonded dual-homed ports",
            steps: [.down(.switch("leaf-a1"), at: 1)],
            down: ["vm-a2-sriov"],
            degraded: ["vm-a1-vlan", "vm-a1-vxlan", "vm-a2-vlan"],
            lastChanges: changes(["vm-a1-vlan", "vm-a1-vxlan", "vm-a2-vlan"], .up, .degraded, [.switch("leaf-a1")])
                .union(changes(["vm-a2-sriov"], .up, .down, [.switch("leaf-a1")]))),
        CorrelationScenario(
            name: "both leaves of a pair down take dual-homed ports down",
            steps: [.down(.switch("leaf-a1"), at: 1), .down(.switch("leaf-a2"), at: 2)],
            down: ["vm-a1-vlan", "vm-a1-vxlan", "vm-a2-vlan", "vm-a2-sriov"],
            lastChanges: changes(
                ["vm-a1-vlan", "vm-a1-vxlan", "vm-a2-vlan"], .degraded, .down,
                [.switch("leaf-a1"), .switch("leaf-a2")])),
        CorrelationScenario(
            name: "one bond member down degrades",
            steps: [.down(.hostNIC("compute-a1:eth0"), at: 1, source: "ovsdb")],
            down: [],
            degraded: ["vm-a1-vlan", "vm-a1-vxlan"],
            lastChanges: changes(["vm-a1-vlan", "vm-a1-vxlan"], .up, .degraded, [.hostNIC("compute-a1:eth0")])),
        CorrelationScenario(
            name: "every bond member down takes the bond's ports down",
            steps: [.down(.hostNIC("compute-a1:eth0"), at: 1), .down(.hostNIC("compute-a1:eth1"), at: 2)],
            down: ["vm-a1-vlan", "vm-a1-vxlan"],
            lastChanges: changes(
                ["vm-a1-vlan", "vm-a1-vxlan"], .degraded, .down,
                [.hostNIC("compute-a1:eth0"), .hostNIC("compute-a1:eth1")])),
        CorrelationScenario(
            name: "pulled cable seen at both ends is blamed on the link",
            steps: [
                .batch([
                    .down(.hostNIC("compute-a3:eth0"), at: 1, source: "ovsdb"),
                    .down(.switchPort("leaf-a3:Ethernet1"), at: 1, source: "onos"),
                    .down(.link("leaf-a3:Ethernet1--compute-a3:eth0"), at: 1, source: "onos"),
                ])
            ],
            down: ["vm-a3-vlan", "vm-a3-vxlan"],
            lastChanges: changes(
                ["vm-a3-vlan", "vm-a3-vxlan"], .up, .down, [.link("leaf-a3:Ethernet1--compute-a3:eth0")])),
        CorrelationScenario(
            name: "switch down explains its ports going down too",
            steps: [
                .batch([
                    .down(.switchPort("leaf-a3:Ethernet1"), at: 1),
                    .down(.switchPort("leaf-a3:Ethernet2"), at: 1),
                    .down(.switch("leaf-a3"), at: 1),
                ])
            ],
            down: Set(leafA3Ports),
            lastChanges: changes(leafA3Ports, .up, .down, [.switch("leaf-a3")])),
        CorrelationScenario(
            name: "split interfaces: physnet NIC down leaves the tunnel port up",
            steps: [.down(.hostNIC("compute-a4:eth0"), at: 1)],
            down: ["vm-a4-vlan"],
            lastChanges: changes(["vm-a4-vlan"], .up, .down, [.hostNIC("compute-a4:eth0")])),
        CorrelationScenario(
            name: "one spine down degrades the whole pod, not the other pod",
            steps: [.down(.switch("spine-a1"), at: 1)],
            down: [],
            degraded: Set(podAPorts),
            lastChanges: changes(podAPorts, .up, .degraded, [.switch("spine-a1")])),
        CorrelationScenario(
            name: "every spine of a pod down takes the pod down",
            steps: [.down(.switch("spine-b1"), at: 1), .down(.switch("spine-b2"), at: 2)],
            down: Set(podBPorts),
            lastChanges: changes(podBPorts, .degraded, .down, [.switch("spine-b1"), .switch("spine-b2")])),
        CorrelationScenario(
            name: "every uplink of a ToR down isolates it; MLAG partners degrade",
            steps: [
                .down(.link("leaf-b1:Ethernet49--spine-b1:Ethernet1"), at: 1),
                .down(.link("leaf-b1:Ethernet50--spine-b2:Ethernet1"), at: 2),
            ],
            down: ["vm-b2-vlan", "bm-2"],
            degraded: ["vm-b1-vxlan"],
            lastChanges: changes(
                ["vm-b2-vlan", "bm-2"], .degraded, .down,
                [.link("leaf-b1:Ethernet49--spine-b1:Ethernet1"), .link("leaf-b1:Ethernet50--spine-b2:Ethernet1")])),
        CorrelationScenario(
            name: "host down takes all its ports down",
            steps: [.down(.host("compute-a2"), at: 1, source: "doctor")],
            down: ["vm-a2-vlan", "vm-a2-sriov"],
            lastChanges: changes(["vm-a2-vlan", "vm-a2-sriov"], .up, .down, [.host("compute-a2")])),
        CorrelationScenario(
            name: "bare-metal port is down only when both local links are",
            steps: [.down(.switchPort("leaf-b3:Ethernet5"), at: 1), .down(.switch("leaf-b4"), at: 2)],
            down: ["bm-1"],
            degraded: ["vm-b3-vlan", "vm-b4-any"],
            lastChanges: changes(["bm-1"], .degraded, .down, [.switch("leaf-b4"), .switchPort("leaf-b3:Ethernet5")])
                .union(changes(["vm-b3-vlan", "vm-b4-any"], .up, .degraded, [.switch("leaf-b4")]))),
        CorrelationScenario(
            name: "port with unspecified segment goes down only when its host is cut off",
            steps: [.down(.hostNIC("compute-b4:eth1"), at: 1), .down(.hostNIC("compute-b4:eth0"), at: 2)],
            down: ["vm-b4-any"],
            lastChanges: changes(
                ["vm-b4-any"], .degraded, .down, [.hostNIC("compute-b4:eth0"), .hostNIC("compute-b4:eth1")])),
        CorrelationScenario(
            name: "recovery: the last fault clearing brings ports back up",
            steps: [.down(.switch("leaf-a3"), at: 1), .up(.switch("leaf-a3"), at: 5)],
            down: [],
            lastChanges: changes(leafA3Ports, .down, .up, [])),
        CorrelationScenario(
            name: "recovery is partial while another fault remains",
            steps: [
                .down(.switch("leaf-a1"), at: 1), .down(.switch("leaf-a2"), at: 2), .up(.switch("leaf-a1"), at: 3),
            ],
            down: [],
            degraded: ["vm-a1-vlan", "vm-a1-vxlan", "vm-a2-vlan"],
            lastChanges: changes(["vm-a1-vlan", "vm-a1-vxlan", "vm-a2-vlan"], .down, .degraded, [.switch("leaf-a2")])
                .union(changes(["vm-a2-sriov"], .down, .up, []))),
        CorrelationScenario(
            name: "late down older than the current up is ignored",
            steps: [
                .down(.switch("leaf-a3"), at: 1), .up(.switch("leaf-a3"), at: 3), .down(.switch("leaf-a3"), at: 2),
            ],
            down: [],
            lastChanges: []),
        CorrelationScenario(
            name: "out-of-order batch: the newest event per resource wins",
            steps: [.batch([.up(.switch("leaf-a3"), at: 3), .down(.switch("leaf-a3"), at: 2)])],
            down: [],
            lastChanges: []),
        CorrelationScenario(
            name: "duplicate down yields no new change",
            steps: [.down(.switch("leaf-a3"), at: 1), .down(.switch("leaf-a3"), at: 2)],
            down: Set(leafA3Ports),
            lastChanges: []),
        CorrelationScenario(
            name: "up from one source does not clear another source's down",
            steps: [
                .down(.switch("leaf-a3"), at: 1, source: "onos"),
                .down(.switch("leaf-a3"), at: 1, source: "alertmanager"),
                .up(.switch("leaf-a3"), at: 2, source: "onos"),
            ],
            down: Set(leafA3Ports),
            lastChanges: []),
        CorrelationScenario(
            name: "the last source clearing recovers",
            steps: [
                .down(.switch("leaf-a3"), at: 1, source: "onos"),
                .down(.switch("leaf-a3"), at: 1, source: "alertmanager"),
                .up(.switch("leaf-a3"), at: 2, source: "onos"),
                .up(.switch("leaf-a3"), at: 3, source: "alertmanager"),
            ],
            down: [],
            lastChanges: changes(leafA3Ports, .down, .up, [])),
        CorrelationScenario(
            name: "faults on a switch in maintenance do not count",
            steps: [.maintenance(.switch("leaf-a3"), active: true, at: 0), .down(.switch("leaf-a3"), at: 1)],
            down: [],
            lastChanges: []),
        CorrelationScenario(
            name: "faults on ports of a switch in maintenance do not count",
            steps: [
                .maintenance(.switch("leaf-a3"), active: true, at: 0), .down(.switchPort("leaf-a3:Ethernet1"), at: 1),
            ],
            down: [],
            lastChanges: []),
        CorrelationScenario(
            name: "faults on NICs of a host in maintenance do not count",
            steps: [.maintenance(.host("compute-a3"), active: true, at: 0), .down(.hostNIC("compute-a3:eth0"), at: 1)],
            down: [],
            lastChanges: []),
        CorrelationScenario(
            name: "ending maintenance applies the faults still active",
            steps: [
                .maintenance(.switch("leaf-a3"), active: true, at: 0), .down(.switch("leaf-a3"), at: 1),
                .maintenance(.switch("leaf-a3"), active: false, at: 2),
            ],
            down: Set(leafA3Ports),
            lastChanges: changes(leafA3Ports, .up, .down, [.switch("leaf-a3")])),
        CorrelationScenario(
            name: "a fault cleared during maintenance leaves nothing when it ends",
            steps: [
                .maintenance(.switch("leaf-a3"), active: true, at: 0), .down(.switch("leaf-a3"), at: 1),
                .up(.switch("leaf-a3"), at: 2), .maintenance(.switch("leaf-a3"), active: false, at: 3),
            ],
            down: [],
            lastChanges: []),
        CorrelationScenario(
            name: "maintenance on a failed switch stops it counting",
            steps: [.down(.switch("leaf-a3"), at: 1), .maintenance(.switch("leaf-a3"), active: true, at: 2)],
            down: [],
            lastChanges: changes(leafA3Ports, .down, .up, [])),
        CorrelationScenario(
            name: "a link flapping ends in its final state",
            steps: (0..<20).flatMap { bounce -> [ScenarioStep] in
                let base = 1 + Double(bounce) * 0.05
                return [.down(.switch("leaf-a3"), at: base), .up(.switch("leaf-a3"), at: base + 0.025)]
            } + [.down(.switch("leaf-a3"), at: 3)],
            down: Set(leafA3Ports),
            lastChanges: changes(leafA3Ports, .up, .down, [.switch("leaf-a3")])),
    ]

    @Test(arguments: scenarios)
    func scenario(_ scenario: CorrelationScenario) throws {
        var engine = try TestFabric.engine()
        var lastChanges: [PortDataPlaneChange] = []
        for step in scenario.steps {
            if case .maintenance(let resource, let active, let time) = step {
                lastChanges =
                    try engine.setMaintenance(
                        resource, active: active, now: Date(timeIntervalSince1970: time), source: "fenix"
                    ).changes
            } else {
                let time = step.events.map(\.time).max() ?? Date(timeIntervalSince1970: 0)
                lastChanges = engine.apply(step.events, now: time).changes
            }
        }
        let portIDs = TestFabric.attachments.map(\.portID)
        #expect(Set(portIDs.filter { engine.state(ofPort: $0) == .down }) == scenario.down)
        #expect(Set(portIDs.filter { engine.state(ofPort: $0) == .degraded }) == scenario.degraded)
        let observed = lastChanges.map {
            ExpectedChange(portID: $0.portID, from: $0.previous, to: $0.current, rootCause: $0.cause.rootCause)
        }
        #expect(observed.count == Set(observed).count, "one change per port")
        #expect(Set(observed) == scenario.lastChanges)
        #expect(lastChanges.map(\.portID) == lastChanges.map(\.portID).sorted())
    }
}
