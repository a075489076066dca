import Foundation
import PortwatchCore
import Testing

/// The hand-written storage JSON must stay readable by `Port`'s `Codable` conformance.
struct PortStorageTests {
    @Test func storageJSONRoundTripsThroughJSONDecoder() throws {
        var port = PortwatchCore.Port(
            id: "p1", networkID: "n1", projectID: "proj", macAddress: "fa:16:3e:00:00:01",
            createdAt: Date(timeIntervalSince1970: 1_764_000_000))
        port.name = "quote \" and \\ and \n newline ü"
        port.fixedIPs = [FixedIP(subnetID: "s1", ipAddress: "10.0.0.5"), FixedIP(subnetID: nil, ipAddress: "10.0.0.6")]
        port.allowedAddressPairs = [AllowedAddressPair(ipAddress: "10.0.0.0/24", macAddress: "fa:16:3e:00:00:02")]
        port.bindingProfile = [
            "local_link_information": .array([.object(["switch_id": .string("aa"), "port_id": .string("Eth1")])]),
            "n": .int(3), "r": .double(0.5), "z": .null, "b": .bool(true),
        ]
        port.dataPlaneStatus = .down
        port.correlatedDataPlaneStatus = .down
        port.tags = ["a", "b"]
        port.updatedAt = Date(timeIntervalSince1970: 1_764_000_100)
        port.revisionNumber = 7
        let decoded = try JSONDecoder().decode(PortwatchCore.Port.self, from: Data(port.storageJSON()))
        #expect(decoded == port)
    }
}

/// Ports loaded from a store share their repeated values without changing any of them.
struct PortStorageSharingTests {
    private func stored(_ id: String, mac: String) throws -> PortwatchCore.Port {
        var port = PortwatchCore.Port(
            id: id, networkID: "3f1c2e0a-9b7d-4c55-8a51-2c0c3b1f6d21", projectID: "0b6d3e9a5c7f4e21a8d4b7c2e1f09a3d",
            macAddress: mac, createdAt: Date(timeIntervalSince1970: 1_764_000_000))
        port.securityGroups = ["7d2a9c41-5e3b-4f6a-9c8d-1e2f3a4b5c6d"]
        port.fixedIPs = [FixedIP(subnetID: "a8c3f0e2-1d4b-4e6f-8a9c-0b1d2e3f4a5b", ipAddress: "10.0.0.5")]
        port.bindingHostID = "compute-rack-01-node-07"
        port.bindingVifDetails = ["port_filter": .bool(true), "bridge_name": .string("br-int")]
        port.bindingProfile = ["local_group_information": .object(["name": .string("bond0")])]
        // Decoded from storage JSON, as a store loads it: every value its own copy.
        return try JSONDecoder().decode(PortwatchCore.Port.self, from: Data(port.storageJSON()))
    }

    @Test func sharingKeepsEveryValueAndChangesStayWithTheirPort() throws {
        let originals = [try stored("p1", mac: "fa:16:3e:00:00:01"), try stored("p2", mac: "fa:16:3e:00:00:02")]
        var sharing = PortStorageSharing()
        var ports = originals
        for index in ports.indices { sharing.share(&ports[index]) }
        #expect(ports == originals)
        #expect(ports.map { $0.storageJSON() } == originals.map { $0.storageJSON() })

        ports[0].securityGroups.append("other-group")
        ports[0].bindingVifDetails["port_filter"] = .bool(false)
        ports[0].networkID = "n2"
        ports[0].fixedIPs[0].subnetID = "s2"
        #expect(ports[1] == originals[1])
        #expect(ports[0].securityGroups == ["7d2a9c41-5e3b-4f6a-9c8d-1e2f3a4b5c6d", "other-group"])
        #expect(ports[0].bindingVifDetails["port_filter"] == .bool(false))
        #expect(originals[0].bindingVifDetails["port_filter"] == .bool(true))
    }
}

/// Ports created through the API share the values they repeat (the network's id and project, their
/// security groups) as ports loaded from the store do: a server filled through the API holds them once.
struct CreatedPortSharingTests {
    @Test func aBulkCreateSharesTheRepeatedValues() throws {
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let access = AccessPolicy(
            Identity(userID: "u", projectID: "0b6d3e9a5c7f4e21a8d4b7c2e1f09a3d", roles: ["admin"], requestID: "req"))
        var changes = ChangeSet(base: ModelState(networks: [], ports: []), now: now, derivation: PortStatusDerivation())
        var network = NetworkInput()
        network.name = "n"
        let created = try changes.createNetworks([network], request: .null, bulk: false, by: access)[0]
        // Each input's strings are copies of their own, as a request's JSON decodes them.
        let inputs = (0..<3).map { index in
            var input = PortInput()
            input.networkID = String(decoding: Array(created.id.utf8), as: UTF8.self)
            input.name = "p\(index)"
            input.bindingHostID = String(decoding: Array("compute-rack-01-node-07".utf8), as: UTF8.self)
            return input
        }
        let ports = try changes.createPorts(inputs, request: .null, bulk: true, by: access)
        func storage(_ value: String) -> UnsafeRawPointer? {
            value.utf8.withContiguousStorageIfAvailable { UnsafeRawPointer($0.baseAddress) } ?? nil
        }
        #expect(ports.map(\.networkID) == Array(repeating: created.id, count: 3))
        #expect(ports.map(\.projectID) == Array(repeating: created.projectID, count: 3))
        #expect(ports.allSatisfy { $0.securityGroups.count == 1 })
        #expect(ports.allSatisfy { storage($0.networkID) == storage(created.id) }, "the network's id")
        #expect(ports.allSatisfy { storage($0.projectID) == storage(created.projectID) }, "the network's project")
        #expect(Set(ports.map { storage($0.bindingHostID) }).count == 1, "one host name")
        #expect(
            Set(ports.map { $0.securityGroups.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) } }).count
                == 1, "one list of groups")
    }
}

/// Neutron's and oslo's timestamp formats.
struct NeutronTimestampTests {
    @Test func formatsWholeSecondsWithZ() {
        #expect(NeutronTimestamp.format(Date(timeIntervalSince1970: 1_764_098_932.75)) == "2025-11-25T19:28:52Z")
        #expect(NeutronTimestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
    }

    @Test func formatsOsloTimestamps() {
        #expect(NeutronTimestamp.formatOslo(Date(timeIntervalSince1970: 1_764_098_932)) == "2025-11-25 19:28:52")
        #expect(
            NeutronTimestamp.formatOslo(Date(timeIntervalSince1970: 1_764_098_932.5)) == "2025-11-25 19:28:52.500000")
    }
}
