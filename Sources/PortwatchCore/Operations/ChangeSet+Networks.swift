import Foundation

extension ChangeSet {
    /// Creates networks (one, or an atomic bulk), emitting `network.create.start` and `.end`.
    public mutating func createNetworks(
        _ inputs: [NetworkInput], request: JSONValue, bulk: Bool, by identity: Identity
    ) throws(NeutronError) -> [Network] {
        var created: [Network] = []
        for input in inputs {
            let project = try Self.owningProject(input.projectID, identity)
            guard AccessPolicy.canWriteNetwork(project: project, identity) else {
                throw .policyNotAuthorized(["rule:create_network"])
            }
            if input.shared == true, !identity.isAdmin { throw .policyNotAuthorized(["rule:create_network:shared"]) }
            if input.routerExternal == true, !identity.isAdmin {
                throw .policyNotAuthorized(["rule:create_network:router:external"])
            }
            if input.networkType != nil || input.physicalNetwork != nil || input.segmentationID != nil,
                !AccessPolicy.showsProviderAttributes(identity)
            {
                throw .policyNotAuthorized(["rule:create_network:provider:network_type"])
            }
            var network = Network(id: UUID().uuidString.lowercased(), projectID: project, createdAt: now)
            try network.apply(input)
            network.tags = input.tags ?? []
            put(network)
            created.append(network)
        }
        let view = ResourceView(privileged: AccessPolicy.showsProviderAttributes(identity))
        emit(
            "network.create.start", resourceType: "network", resourceID: created.first?.id ?? "",
            projectID: created.first?.projectID, payload: Self.bytes(request), by: identity)
        for network in created {
            emit(
                "network.create.end", resourceType: "network", resourceID: network.id, projectID: network.projectID,
                payload: network.envelope(view: view), by: identity)
        }
        return created
    }

    /// Updates a network; a change bumps `revision_number` and `updated_at`.
    public mutating func updateNetwork(
        id: String, _ input: NetworkInput, request: JSONValue, ifMatch: Int?, by identity: Identity
    ) throws(NeutronError) -> Network {
        guard var network = network(id), AccessPolicy.canSee(network, identity) else { throw .networkNotFound(id) }
        guard AccessPolicy.canWriteNetwork(project: network.projectID, identity) else {
            throw .policyNotAuthorized(["rule:update_network"])
        }
        if input.shared != nil || input.routerExternal != nil, !identity.isAdmin {
            throw .policyNotAuthorized(["rule:update_network:shared"])
        }
        if input.networkType != nil || input.physicalNetwork != nil || input.segmentationID != nil {
            throw .badRequest("Cannot update read-only attribute provider:network_type")
        }
        try Self.check(ifMatch, network.revisionNumber)
        emit(
            "network.update.start", resourceType: "network", resourceID: id, projectID: network.projectID,
            payload: Self.bytes(Self.withID(request, id)), by: identity)
        let before = network
        try network.apply(input)
        if network != before {
            network.revisionNumber += 1
            network.updatedAt = now
            put(network)
        }
        let view = ResourceView(privileged: AccessPolicy.showsProviderAttributes(identity))
        emit(
            "network.update.end", resourceType: "network", resourceID: id, projectID: network.projectID,
            payload: network.envelope(view: view), by: identity)
        return network
    }

    /// Deletes a network; 409 NetworkInUse while it has ports.
    public mutating func deleteNetwork(id: String, ifMatch: Int?, by identity: Identity) throws(NeutronError) {
        guard let network = network(id), AccessPolicy.canSee(network, identity) else { throw .networkNotFound(id) }
        guard AccessPolicy.canWriteNetwork(project: network.projectID, identity) else {
            throw .policyNotAuthorized(["rule:delete_network"])
        }
        try Self.check(ifMatch, network.revisionNumber)
        let ports = portIDs(inNetwork: id)
        guard ports.isEmpty else { throw .networkInUse(id, ports: Array(ports)) }
        emit(
            "network.delete.start", resourceType: "network", resourceID: id, projectID: network.projectID,
            payload: Self.object(["network_id": .string(id)]), by: identity)
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
            payload: writer.bytes, by: identity)
    }

    static func owningProject(_ requested: String?, _ identity: Identity) throws(NeutronError) -> String {
        if let requested {
            if requested != identity.projectID, !identity.isAdmin {
                throw .badRequest(
                    "Specifying 'project_id' other than the authenticated project in request requires admin privileges")
            }
            return requested
        }
        guard let project = identity.projectID else {
            throw .badRequest("Running without keystone AuthN requires that project_id is specified")
        }
        return project
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
    mutating func apply(_ input: NetworkInput) throws(NeutronError) {
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
        if ["flat", "vlan"].contains(networkType), physicalNetwork == nil {
            throw .invalidInput("physical_network required for \(networkType) provider network")
        }
    }
}
