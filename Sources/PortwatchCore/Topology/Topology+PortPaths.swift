extension Topology {
    /// Where `attachment` sits on the fabric, or nil when the topology cannot tell (no host,
    /// unknown host, no matching local link). The rules are listed on ``PortAttachment``.
    public func attachmentPoint(for attachment: PortAttachment) -> AttachmentPoint? {
        guard let point = fabricAttachmentPoint(for: attachment) else { return nil }
        if attachment.usesVSwitch, point.hostID != nil { return .vswitch(hostID: attachment.hostID, point) }
        return point
    }

    /// Where `attachment` meets the physical fabric, before any virtual switch.
    func fabricAttachmentPoint(for attachment: PortAttachment) -> AttachmentPoint? {
        if !attachment.localLinks.isEmpty {
            let portIDs = attachment.localLinks.compactMap(switchPortID(for:))
            if !portIDs.isEmpty {
                return .switchPorts(
                    portIDs: Array(Set(portIDs)).sorted(),
                    unresolvedLinks: attachment.localLinks.count - portIDs.count)
            }
        }
        let hostID = attachment.hostID
        guard !hostID.isEmpty else { return nil }
        // A host a port's binding names is a host even when no topology document describes it: the
        // port depends on the host alone.
        guard let host = hostsByID[hostID] else { return .hostWide(hostID: hostID) }
        if let groupName = attachment.localGroup?.name,
            case .bond(let bondID)? = hostInterface(hostID: hostID, name: groupName)
        {
            return .hostInterface(hostID: hostID, interface: .bond(bondID))
        }
        let interfaceName: String? =
            switch attachment.segment {
            case .physnet(let physnet): host.physnetMappings[physnet]
            case .overlay: host.tunnelInterface
            case .unspecified: nil
            }
        if let interfaceName, let interface = hostInterface(hostID: hostID, name: interfaceName) {
            return .hostInterface(hostID: hostID, interface: interface)
        }
        return .hostWide(hostID: hostID)
    }

    /// The topology-wide id of the switch port a `local_link_information` entry names:
    /// `switch_id` by switch id or chassis MAC, else `switch_info` by switch id or name; then
    /// `port_id` by port name or id.
    public func switchPortID(for link: LocalLink) -> String? {
        let candidates = [switchID(matching: link.switchID), link.switchInfo.flatMap(switchID(matching:))]
        for case let switchID? in candidates {
            if let portID = switchPortID(switchID: switchID, port: link.portID) { return portID }
        }
        return nil
    }

    /// The AND/OR tree of resources a port at `point` needs to reach the fabric.
    public func pathRequirement(for point: AttachmentPoint) -> PathRequirement {
        switch point {
        case .hostInterface(let hostID, let interface):
            return .flatAllOf([.resource(.host(hostID)), interfacePath(interface)])
        case .hostWide(let hostID):
            let interfaces = hostWideInterfaces(hostID)
            guard !interfaces.isEmpty else { return .resource(.host(hostID)) }
            return .flatAllOf([.resource(.host(hostID)), .redundant(interfaces.map(interfacePath))])
        case .switchPorts(let portIDs, let unresolvedLinks):
            let legs =
                portIDs.map(switchPortPath) + Array(repeating: PathRequirement.alwaysHolds, count: unresolvedLinks)
            return .redundant(legs)
        case .vswitch(let hostID, let inner):
            return .flatAllOf([.resource(.vswitch(hostID)), pathRequirement(for: inner)])
        case .vif(let portID, let inner):
            return .flatAllOf([.resource(.vif(portID)), pathRequirement(for: inner)])
        }
    }

    /// The interfaces a host-wide port may use: the distinct mapped interfaces (physnets and
    /// tunnels), or every NIC when the host maps none.
    func hostWideInterfaces(_ hostID: String) -> [HostInterfaceRef] {
        guard let host = hostsByID[hostID] else { return [] }
        let mappedNames = Set(host.physnetMappings.values).union(host.tunnelInterface.map { [$0] } ?? [])
        let names = mappedNames.isEmpty ? host.nics.map(\.name) : mappedNames.sorted()
        return names.compactMap { hostInterface(hostID: hostID, name: $0) }
    }

    func interfacePath(_ interface: HostInterfaceRef) -> PathRequirement {
        switch interface {
        case .nic(let nicID):
            return nicPath(nicID)
        case .bond(let bondID):
            let members = bondsByID[bondID]?.memberNICIDs ?? []
            guard !members.isEmpty else { return .resource(.bond(bondID)) }
            return .flatAllOf([.resource(.bond(bondID)), .redundant(members.map(nicPath))])
        }
    }

    func nicPath(_ nicID: String) -> PathRequirement {
        let legs = (linkIDsByNIC[nicID] ?? []).compactMap { linkID -> PathRequirement? in
            guard let link = linksByID[linkID] else { return nil }
            for case .switchPort(let portID, _) in [link.a, link.b] {
                return .flatAllOf([.resource(.link(linkID)), switchPortPath(portID)])
            }
            return nil
        }
        guard !legs.isEmpty else { return .resource(.hostNIC(nicID)) }
        return .flatAllOf([.resource(.hostNIC(nicID)), .redundant(legs)])
    }

    func switchPortPath(_ portID: String) -> PathRequirement {
        guard let port = switchPortsByID[portID] else { return .resource(.switchPort(portID)) }
        return .flatAllOf([
            .resource(.switchPort(portID)), switchReachability[port.switchID] ?? .resource(.switch(port.switchID)),
        ])
    }

    /// The switch itself and, unless it is at the top of the fabric, any one of its uplinks
    /// (each: local port, link, remote port, and the remote switch's own reachability).
    mutating func buildSwitchReachability(_ switchID: String) -> PathRequirement {
        if let built = switchReachability[switchID] { return built }
        let uplinks = uplinks(ofSwitch: switchID)
        var requirement = PathRequirement.resource(.switch(switchID))
        if !uplinks.isEmpty {
            let branches = uplinks.map { uplink in
                PathRequirement.flatAllOf([
                    .resource(.switchPort(uplink.localPortID)), .resource(.link(uplink.linkID)),
                    .resource(.switchPort(uplink.remotePortID)), buildSwitchReachability(uplink.remoteSwitchID),
                ])
            }
            requirement = .flatAllOf([requirement, .redundant(branches)])
        }
        switchReachability[switchID] = requirement
        return requirement
    }
}
