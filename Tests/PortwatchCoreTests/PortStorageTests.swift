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
