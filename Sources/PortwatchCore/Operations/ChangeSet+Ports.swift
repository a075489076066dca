import Foundation

extension ChangeSet {
    /// Creates ports (one, or an atomic bulk), emitting `port.create.start` and `.end`.
    public mutating func createPorts(
        _ inputs: [PortInput], request: JSONValue, bulk: Bool, by identity: Identity
    ) throws(NeutronError) -> [Port] {
        var created: [Port] = []
        for input in inputs {
            guard let networkID = input.networkID else {
                throw .badRequest("Failed to parse request. Required attribute 'network_id' not specified")
            }
            guard let network = network(networkID), AccessPolicy.canSee(network, identity) else {
                throw .networkNotFound(networkID)
            }
            let project = try Self.owningProject(input.projectID, identity)
            guard AccessPolicy.canWritePort(project: project, networkProject: network.projectID, identity) else {
                throw .policyNotAuthorized(["rule:create_port"])
            }
            let denied = Self.deniedAttributeRules(input, action: "create_port", network: network, identity)
            if !denied.isEmpty { throw .policyNotAuthorized(["rule:create_port"] + denied) }
            let mac: String
            if let requested = input.macAddress {
                guard !isMACInUse(requested, inNetwork: networkID) else {
                    throw .macAddressInUse(network: networkID, mac: requested)
                }
                mac = requested
            } else {
                mac = try MACAddressGenerator.unused(in: self, networkID: networkID)
            }
            var port = Port(
                id: UUID().uuidString.lowercased(), networkID: networkID, projectID: project, macAddress: mac,
                createdAt: now)
            port.portSecurityEnabled = network.portSecurityEnabled
            port.apply(input)
            port.tags = input.tags ?? []
            port.status = derivation.status(of: port)
            put(port)
            created.append(port)
        }
        let view = ResourceView(privileged: AccessPolicy.showsBindingDetails(identity))
        emit(
            "port.create.start", resourceType: "port", resourceID: created.first?.id ?? "",
            projectID: created.first?.projectID, payload: Self.bytes(request), by: identity)
        for port in created {
            emit(
                "port.create.end", resourceType: "port", resourceID: port.id, projectID: port.projectID,
                payload: port.envelope(view: view), by: identity)
        }
        return created
    }

    /// Updates a port through the API. A change bumps `revision_number` and `updated_at`; writing the
    /// value a port already has changes nothing (as Neutron).
    public mutating func updatePort(
        id: String, _ input: PortInput, request: JSONValue, ifMatch: Int?, by identity: Identity
    ) throws(NeutronError) -> Port {
        var port = try visiblePort(id, identity)
        let network = network(port.networkID)
        var rules = ["rule:update_port"]
        var allowed = AccessPolicy.canWritePort(project: port.projectID, networkProject: network?.projectID, identity)
        let denied = Self.deniedAttributeRules(input, action: "update_port", network: network, identity)
        rules += Self.attributeRules(input, action: "update_port")
        if !denied.isEmpty { allowed = false }
        guard allowed else { throw .policyNotAuthorized(rules) }
        try Self.check(ifMatch, port.revisionNumber)
        if let mac = input.macAddress, mac != port.macAddress, isMACInUse(mac, inNetwork: port.networkID, excluding: id)
        {
            throw .macAddressInUse(network: port.networkID, mac: mac)
        }
        emit(
            "port.update.start", resourceType: "port", resourceID: id, projectID: port.projectID,
            payload: Self.bytes(Self.withID(request, id)), by: identity)
        let before = port
        port.apply(input)
        if case .some(let status) = input.dataPlaneStatus {
            port.dataPlaneStatusOverride = status
            port.dataPlaneStatus = status ?? port.correlatedDataPlaneStatus
        }
        port.status = derivation.status(of: port)
        if port != before {
            port.revisionNumber += 1
            port.updatedAt = now
            put(port)
        }
        emit(
            "port.update.end", resourceType: "port", resourceID: id, projectID: port.projectID,
            payload: port.envelope(view: ResourceView(privileged: AccessPolicy.showsBindingDetails(identity))),
            by: identity)
        return port
    }

    /// Deletes a port, emitting `port.delete.start` `{"port_id"}` and `.end` `{"port", "port_id"}`.
    public mutating func deletePort(id: String, ifMatch: Int?, by identity: Identity) throws(NeutronError) {
        let port = try visiblePort(id, identity)
        let network = network(port.networkID)
        guard AccessPolicy.canWritePort(project: port.projectID, networkProject: network?.projectID, identity) else {
            throw .policyNotAuthorized(["rule:delete_port"])
        }
        try Self.check(ifMatch, port.revisionNumber)
        emit(
            "port.delete.start", resourceType: "port", resourceID: id, projectID: port.projectID,
            payload: Self.object(["port_id": .string(id)]), by: identity)
        deletePort(id)
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("port")
        port.render(into: &writer, view: .full)
        writer.key("port_id")
        writer.string(id)
        writer.endObject()
        emit(
            "port.delete.end", resourceType: "port", resourceID: id, projectID: port.projectID,
            payload: writer.bytes, by: identity)
    }

    /// Applies fault correlation's verdict on a port (the system's own write).
    ///
    /// ``DataPlaneStatusPrecedence`` decides the visible value: an admin's override wins while set;
    /// otherwise a correlated DOWN is DOWN, and a port that was ever down returns to ACTIVE when
    /// its path recovers (degraded counts as up). A change bumps the revision and emits
    /// `port.update.end` with the full port; returns the port when it changed.
    @discardableResult
    public mutating func applyCorrelatedState(
        portID: String, _ state: DataPlaneState?, hasBeenDown: Bool, by identity: Identity
    ) -> Port? {
        guard var port = port(portID) else { return nil }
        // Compare the three fields this can change, not whole ports: it runs for every port a
        // spine failure touches.
        let (oldVisible, oldCorrelated, oldStatus) = (port.dataPlaneStatus, port.correlatedDataPlaneStatus, port.status)
        let everDown = hasBeenDown || oldCorrelated != nil || state == .down
        port.correlatedDataPlaneStatus = DataPlaneStatusPrecedence.resolve(
            manualOverride: nil, correlated: state, hasBeenDown: everDown)
        port.dataPlaneStatus = DataPlaneStatusPrecedence.resolve(
            manualOverride: port.dataPlaneStatusOverride, correlated: state, hasBeenDown: everDown)
        port.status = derivation.status(of: port)
        let visibleChange = port.dataPlaneStatus != oldVisible || port.status != oldStatus
        guard visibleChange || port.correlatedDataPlaneStatus != oldCorrelated else { return nil }
        if visibleChange {
            port.revisionNumber += 1
            port.updatedAt = now
        }
        putState(port)
        guard visibleChange else { return nil }
        emit(
            "port.update.end", resourceType: "port", resourceID: portID, projectID: port.projectID,
            payload: port.envelope(view: .full), by: identity)
        return port
    }

    /// The port, if the caller may see it: another project's port is PortNotFound, a port of the
    /// caller's project that its roles may not read is HTTPNotFound.
    public func visiblePort(_ id: String, _ identity: Identity) throws(NeutronError) -> Port {
        let port = port(id)
        return try AccessPolicy.visiblePort(
            port, id: id, networkProject: port.flatMap { network($0.networkID)?.projectID }, identity)
    }

    /// The `rule:<action>:<attribute>` names of the policy-enforced attributes present in `input`.
    static func attributeRules(_ input: PortInput, action: String) -> [String] {
        var rules: [String] = []
        if input.macAddress != nil { rules.append("rule:\(action):mac_address") }
        if input.fixedIPs != nil { rules.append("rule:\(action):fixed_ips") }
        if input.bindingHostID != nil { rules.append("rule:\(action):binding:host_id") }
        if input.bindingProfile != nil { rules.append("rule:\(action):binding:profile") }
        if input.portSecurityEnabled != nil { rules.append("rule:\(action):port_security_enabled") }
        if input.allowedAddressPairs != nil { rules.append("rule:\(action):allowed_address_pairs") }
        if input.dataPlaneStatus != nil { rules.append("rule:\(action):data_plane_status") }
        return rules
    }

    /// The attribute rules of `input` that `identity` fails.
    static func deniedAttributeRules(
        _ input: PortInput, action: String, network: Network?, _ identity: Identity
    ) -> [String] {
        let privileged = AccessPolicy.canWritePrivilegedPortAttribute(networkProject: network?.projectID, identity)
        let adminOrService = identity.isAdmin || identity.isService
        var denied: [String] = []
        if input.macAddress != nil, !(action == "create_port" ? privileged : adminOrService) {
            denied.append("rule:\(action):mac_address")
        }
        if input.fixedIPs != nil, !privileged { denied.append("rule:\(action):fixed_ips") }
        if input.bindingHostID != nil, !adminOrService { denied.append("rule:\(action):binding:host_id") }
        if input.bindingProfile != nil, !adminOrService { denied.append("rule:\(action):binding:profile") }
        if input.portSecurityEnabled != nil, !privileged { denied.append("rule:\(action):port_security_enabled") }
        if input.allowedAddressPairs != nil, !privileged { denied.append("rule:\(action):allowed_address_pairs") }
        if let owner = input.deviceOwner, owner.hasPrefix("network:"), !privileged {
            denied.append("rule:\(action):device_owner")
        }
        if input.dataPlaneStatus != nil, !AccessPolicy.canWriteDataPlaneStatus(identity) {
            denied.append("rule:\(action):data_plane_status")
        }
        return denied
    }
}

extension Port {
    mutating func apply(_ input: PortInput) {
        if let value = input.name { name = value }
        if let value = input.description { description = value }
        if let value = input.adminStateUp { adminStateUp = value }
        if let value = input.macAddress { macAddress = value }
        if let value = input.deviceID { deviceID = value }
        if let value = input.deviceOwner { deviceOwner = value }
        if let value = input.fixedIPs { fixedIPs = value }
        if let value = input.securityGroups { securityGroups = value }
        if let value = input.allowedAddressPairs {
            allowedAddressPairs = value.map {
                AllowedAddressPair(ipAddress: $0.ipAddress, macAddress: $0.macAddress ?? macAddress)
            }
        }
        if let value = input.extraDHCPOpts { extraDHCPOpts = value }
        if let value = input.bindingHostID {
            bindingHostID = value
            bindingVifType = value.isEmpty ? "unbound" : "ovs"
            bindingVifDetails = value.isEmpty ? [:] : ["port_filter": .bool(true), "connectivity": .string("l2")]
        }
        if let value = input.bindingProfile { bindingProfile = value }
        if let value = input.bindingVnicType { bindingVnicType = value }
        if let value = input.portSecurityEnabled { portSecurityEnabled = value }
    }
}
