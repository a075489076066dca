extension Topology {
    mutating func indexSwitches(_ switches: [PhysicalSwitch]) throws(TopologyValidationError) {
        for physicalSwitch in switches {
            guard switchesByID[physicalSwitch.id] == nil else {
                throw .init(code: .duplicateID, message: "switch \(physicalSwitch.id) is defined twice")
            }
            switchesByID[physicalSwitch.id] = physicalSwitch
            if let mac = physicalSwitch.mac, let normalized = Self.normalizedMAC(mac) {
                switchIDByMAC[normalized] = physicalSwitch.id
            }
            if let name = physicalSwitch.name { switchIDByName[name] = physicalSwitch.id }
            var portsByName: [String: String] = [:]
            for port in physicalSwitch.ports {
                let portID = port.id ?? "\(physicalSwitch.id):\(port.name)"
                guard switchPortsByID[portID] == nil, portsByName[port.name] == nil else {
                    throw .init(code: .duplicateID, message: "switch port \(portID) is defined twice")
                }
                switchPortsByID[portID] = ResolvedSwitchPort(id: portID, switchID: physicalSwitch.id, name: port.name)
                portsByName[port.name] = portID
            }
            switchPortIDByName[physicalSwitch.id] = portsByName
        }
    }

    mutating func indexHosts(_ hosts: [PhysicalHost]) throws(TopologyValidationError) {
        for host in hosts {
            guard hostsByID[host.id] == nil else {
                throw .init(code: .duplicateID, message: "host \(host.id) is defined twice")
            }
            hostsByID[host.id] = host
            var interfaces: [String: HostInterfaceRef] = [:]
            for nic in host.nics {
                let nicID = nic.id ?? "\(host.id):\(nic.name)"
                guard nicsByID[nicID] == nil, interfaces[nic.name] == nil else {
                    throw .init(code: .duplicateID, message: "interface \(nicID) is defined twice")
                }
                nicsByID[nicID] = ResolvedHostInterface(id: nicID, hostID: host.id, name: nic.name)
                interfaces[nic.name] = .nic(nicID)
            }
            for bond in host.bonds {
                let bondID = bond.id ?? "\(host.id):\(bond.name)"
                guard bondsByID[bondID] == nil, interfaces[bond.name] == nil else {
                    throw .init(code: .duplicateID, message: "interface \(bondID) is defined twice")
                }
                var memberIDs: [String] = []
                for member in bond.members {
                    guard case .nic(let nicID) = interfaces[member] else {
                        throw .init(
                            code: .unknownReference,
                            message: "bond \(bondID) has member \(member), which is not a NIC of host \(host.id)")
                    }
                    memberIDs.append(nicID)
                }
                bondsByID[bondID] = ResolvedBond(id: bondID, hostID: host.id, name: bond.name, memberNICIDs: memberIDs)
                interfaces[bond.name] = .bond(bondID)
            }
            let mapped = host.physnetMappings.sorted { $0.key < $1.key }.map { ("physnet \($0.key)", $0.value) }
            for (purpose, interfaceName) in mapped + (host.tunnelInterface.map { [("tunnels", $0)] } ?? []) {
                guard interfaces[interfaceName] != nil else {
                    throw .init(
                        code: .unknownReference,
                        message:
                            "host \(host.id) maps \(purpose) to \(interfaceName), which is neither a NIC nor a bond")
                }
            }
            interfacesByHost[host.id] = interfaces
        }
    }

    mutating func indexLinks(_ links: [PhysicalLink]) throws(TopologyValidationError) {
        for link in links {
            let a = try resolve(link.a)
            let b = try resolve(link.b)
            let linkID = link.id ?? "\(Self.endpointLabel(link.a))--\(Self.endpointLabel(link.b))"
            guard linksByID[linkID] == nil else {
                throw .init(code: .duplicateID, message: "link \(linkID) is defined twice")
            }
            guard a != b else {
                throw .init(code: .invalidLink, message: "link \(linkID) connects an endpoint to itself")
            }
            linksByID[linkID] = ResolvedLink(id: linkID, a: a, b: b)
            switch (a, b) {
            case (.hostNIC, .hostNIC):
                throw .init(code: .invalidLink, message: "link \(linkID) connects two host NICs")
            case (.switchPort(let portID, _), .hostNIC(let nicID, _)),
                (.hostNIC(let nicID, _), .switchPort(let portID, _)):
                linkIDsBySwitchPort[portID, default: []].append(linkID)
                linkIDsByNIC[nicID, default: []].append(linkID)
            case (.switchPort(let portA, let switchA), .switchPort(let portB, let switchB)):
                linkIDsBySwitchPort[portA, default: []].append(linkID)
                linkIDsBySwitchPort[portB, default: []].append(linkID)
                addUplinkIfTiersDiffer(linkID: linkID, portA: portA, switchA: switchA, portB: portB, switchB: switchB)
            }
        }
        for switchID in uplinksBySwitch.keys {
            uplinksBySwitch[switchID]?.sort { $0.linkID < $1.linkID }
        }
    }

    private mutating func addUplinkIfTiersDiffer(
        linkID: String, portA: String, switchA: String, portB: String, switchB: String
    ) {
        guard let tierA = switchesByID[switchA]?.role.tier, let tierB = switchesByID[switchB]?.role.tier,
            tierA != tierB
        else { return }
        if tierA > tierB {
            uplinksBySwitch[switchA, default: []].append(
                SwitchUplink(linkID: linkID, localPortID: portA, remotePortID: portB, remoteSwitchID: switchB))
        } else {
            uplinksBySwitch[switchB, default: []].append(
                SwitchUplink(linkID: linkID, localPortID: portB, remotePortID: portA, remoteSwitchID: switchA))
        }
    }

    private func resolve(_ endpoint: LinkEndpoint) throws(TopologyValidationError) -> ResolvedEndpoint {
        switch endpoint {
        case .switchPort(let switchID, let port):
            guard switchesByID[switchID] != nil else {
                throw .init(code: .unknownReference, message: "link endpoint names unknown switch \(switchID)")
            }
            guard let portID = switchPortID(switchID: switchID, port: port) else {
                throw .init(code: .unknownReference, message: "link endpoint names unknown port \(port) of \(switchID)")
            }
            return .switchPort(portID: portID, switchID: switchID)
        case .hostNIC(let hostID, let nic):
            guard hostsByID[hostID] != nil else {
                throw .init(code: .unknownReference, message: "link endpoint names unknown host \(hostID)")
            }
            guard case .nic(let nicID) = interfacesByHost[hostID]?[nic] else {
                throw .init(code: .unknownReference, message: "link endpoint names unknown NIC \(nic) of \(hostID)")
            }
            return .hostNIC(nicID: nicID, hostID: hostID)
        }
    }

    static func endpointLabel(_ endpoint: LinkEndpoint) -> String {
        switch endpoint {
        case .switchPort(let switchID, let port): "\(switchID):\(port)"
        case .hostNIC(let hostID, let nic): "\(hostID):\(nic)"
        }
    }
}
