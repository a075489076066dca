import Foundation
import PortwatchCore
import Testing

struct TopologyBindingProfileTests {
    @Test func parsesLocalLinkAndGroupInformation() throws {
        let json = """
            {"local_link_information": [
                {"switch_id": "52:54:00:0b:00:03", "port_id": "Ethernet5", "switch_info": "leaf-b3"},
                {"switch_id": "52:54:00:0b:00:04", "port_id": 5},
                {"port_id": "Ethernet7"}],
             "local_group_information": {"id": "pg-1", "name": "bond0", "bond_mode": "802.3ad",
                                         "bond_properties": {"bond_miimon": 100}}}
            """
        let profile = try JSONDecoder().decode([String: JSONValue].self, from: Data(json.utf8))
        let attachment = PortAttachment(portID: "p", hostID: "", segment: .physnet("physnet1"), bindingProfile: profile)
        #expect(
            attachment.localLinks == [
                LocalLink(switchID: "52:54:00:0b:00:03", portID: "Ethernet5", switchInfo: "leaf-b3"),
                LocalLink(switchID: "52:54:00:0b:00:04", portID: "5"),
            ])
        #expect(attachment.localGroup == LocalGroup(id: "pg-1", name: "bond0", bondMode: "802.3ad"))
    }

    @Test func emptyProfileMeansNoLocalInformation() {
        let attachment = PortAttachment(portID: "p", hostID: "h", segment: .overlay, bindingProfile: [:])
        #expect(attachment.localLinks.isEmpty)
        #expect(attachment.localGroup == nil)
    }

    @Test(
        arguments: [
            ("vlan", "physnet1", NetworkSegment.physnet("physnet1")),
            ("flat", "physnet2", .physnet("physnet2")),
            ("VXLAN", nil, .overlay),
            ("geneve", nil, .overlay),
            ("gre", nil, .overlay),
            ("vlan", nil, .unspecified),
            ("local", nil, .unspecified),
            (nil, nil, .unspecified),
        ] as [(String?, String?, NetworkSegment)])
    func segmentFromProviderAttributes(_ type: String?, _ physnet: String?, _ expected: NetworkSegment) {
        #expect(NetworkSegment(networkType: type, physicalNetwork: physnet) == expected)
    }

    @Test func attachmentRoundTripsThroughJSON() throws {
        for attachment in TestFabric.attachments {
            let decoded = try JSONDecoder().decode(PortAttachment.self, from: JSONEncoder().encode(attachment))
            #expect(decoded == attachment)
        }
    }
}
