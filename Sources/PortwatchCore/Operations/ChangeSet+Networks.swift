import Foundation

extension ChangeSet {
    /// Creates networks (one, or an atomic bulk), emitting `network.create.start` and `.end`.
    public mutating func createNetworks(
        _ inputs: [NetworkInput], request: JSONValue, bulk: Bool, by access: AccessPolicy
    ) throws(NeutronError) -> [Network] {
        var created: [Network] = []
        for input in inputs {
            let project = try access.owningProject(input.projectID)
            var network = Network(id: RandomID.uuid(), projectID: project, createdAt: now)
            network.assign(input)
            try access.authorizeCreate(network, input)
            try network.validateProvider()
            // Without agents there is no availability zone for a hint to name (Neutron names one of
            // those it cannot find; Portwatch the first in byte order).
            if let zone = network.availabilityZoneHints.min(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                throw NeutronError(
                    status: 404, type: "AvailabilityZoneNotFound",
                    message: "AvailabilityZone \(zone) could not be found.")
            }
            put(network)
            created.append(network)
        }
        let reading = access.networkReading()
        emit(
            "network.create.start", resourceType: "network", resourceID: created.first?.id ?? "",
            projectID: created.first?.projectID, payload: Self.bytes(request), by: access.identity)
        for network in created {
            emit(
                "network.create.end", resourceType: "network", resourceID: network.id, projectID: network.projectID,
                payload: network.envelope(view: reading.view(of: network)), by: access.identity)
        }
        return created
    }

    /// Updates a network; a change bumps `revision_number` and `updated_at`.
    public mutating func updateNetwork(
        id: String, _ input: NetworkInput, request: JSONValue, ifMatch: Int?, by access: AccessPolicy
    ) throws(NeutronError) -> Network {
        let reading = access.networkReading()
        guard var network = network(id), reading.canSee(network) else { throw .networkNotFound(id) }
        let before = network
        network.assign(input)
        try access.authorizeUpdate(network, input)
        if input.networkType != nil || input.physicalNetwork != nil || input.segmentationID != nil {
            throw .badRequest("Cannot update read-only attribute provider:network_type")
        }
        try Self.check(ifMatch, before.revisionNumber)
        try network.validateProvider()
        emit(
            "network.update.start", resourceType: "network", resourceID: id, projectID: network.projectID,
            payload: Self.bytes(Self.withID(request, id)), by: access.identity)
        if network != before {
            network.revisionNumber += 1
            network.updatedAt = now
            put(network)
        }
        emit(
            "network.update.end", resourceType: "network", resourceID: id, projectID: network.projectID,
            payload: network.envelope(view: reading.view(of: network)), by: access.identity)
        return network
    }

    /// The owners of the ports a network delete takes with it (Neutron's `AUTO_DELETE_PORT_OWNERS`):
    /// DHCP, distributed (DVR) and floating IP agent gateway ports. Any other port, `network:router_interface`
    /// included, keeps the network in use.
    public static let autoDeletedPortOwners: Set<String> = [
        "network:dhcp", "network:distributed", "network:floatingip_agent_gateway",
    ]

    /// Deletes a network and its ``autoDeletedPortOwners`` ports, or answers 409 NetworkInUse naming
    /// the others, emitting `network.delete.start` and `.end`.
    public mutating func deleteNetwork(id: String, ifMatch: Int?, by access: AccessPolicy) throws(NeutronError) {
        guard let network = network(id), access.networkReading().canSee(network) else {
            throw .networkNotFound(id)
        }
        try access.authorizeDelete(network)
        try Self.check(ifMatch, network.revisionNumber)
        let ports = portIDs(inNetwork: id)
        let inUse = ports.filter { !Self.autoDeletedPortOwners.contains(port($0)?.deviceOwner ?? "") }
        guard inUse.isEmpty else { throw .networkInUse(id, ports: Array(inUse)) }
        emit(
            "network.delete.start", resourceType: "network", resourceID: id, projectID: network.projectID,
            payload: Self.object(["network_id": .string(id)]), by: access.identity)
        // Whoever may delete the network deletes these too, whatever their project; Neutron's plugin
        // deletes them without port notifications of their own.
        for port in ports { deletePort(port) }
        deleteNetwork(id)
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("network")
        network.render(into: &writer, view: .full)
        writer.key("network_id")
        writer.string(id)
        writer.endObject()
        emit(
            "network.delete.end", resourceType: "network", resourceID: id, projectID: network.projectID,
            payload: writer.bytes, by: access.identity)
    }

    static func check(_ ifMatch: Int?, _ current: Int) throws(NeutronError) {
        if let ifMatch, ifMatch != current {
            throw .revisionConstraintFailed(expected: ifMatch, current: current)
        }
    }

    static func bytes(_ value: JSONValue) -> [UInt8] {
        var writer = JSONWriter()
        writer.value(value)
        return writer.bytes
    }

    static func object(_ object: [String: JSONValue]) -> [UInt8] { bytes(.object(object)) }

    /// The request body plus `"id"`, as Neutron's `.start` payload of an update.
    static func withID(_ request: JSONValue, _ id: String) -> JSONValue {
        var object = request.objectValue ?? [:]
        object["id"] = .string(id)
        return .object(object)
    }
}

extension Network {
    /// Sets what `input` names, without checking it: the rules see the network as it would be first.
    mutating func assign(_ input: NetworkInput) {
        if let value = input.name { name = value }
        if let value = input.description { description = value }
        if let value = input.adminStateUp { adminStateUp = value }
        if let value = input.shared { shared = value }
        if let value = input.mtu { mtu = value }
        if let value = input.portSecurityEnabled { portSecurityEnabled = value }
        if let value = input.routerExternal { routerExternal = value }
        if let value = input.networkType { networkType = value }
        if let value = input.physicalNetwork { physicalNetwork = value }
        if let value = input.segmentationID { segmentationID = value }
        if let value = input.availabilityZoneHints { availabilityZoneHints = value }
        if let value = input.vlanTransparent { vlanTransparent = value }
        if let value = input.qinq { qinq = value }
    }

    /// A flat or VLAN network rides a physical network: it must name one.
    func validateProvider() throws(NeutronError) {
        if ["flat", "vlan"].contains(networkType), physicalNetwork == nil {
            throw .invalidInput("physical_network required for \(networkType) provider network")
        }
    }
}
