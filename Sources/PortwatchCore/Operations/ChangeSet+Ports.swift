import Foundation

extension ChangeSet {
    /// Creates ports (one, or an atomic bulk), emitting `port.create.start` and `.end`.
    public mutating func createPorts(
        _ inputs: [PortInput], request: JSONValue, bulk: Bool, by access: AccessPolicy
    ) throws(NeutronError) -> [Port] {
        var created: [Port] = []
        let networks = access.networkReading()
        // The ports of a bulk create share one copy of the values they repeat, as ports loaded from
        // the store do (a server filled through the API kept ~20 MB more at 100,000 ports).
        var sharing = PortStorageSharing()
        for var input in inputs {
            guard let networkID = input.networkID else {
                throw .badRequest("Failed to parse request. Required attribute 'network_id' not specified")
            }
            guard let network = network(networkID), networks.canSee(network) else {
                throw .networkNotFound(networkID)
            }
            let project = try access.owningProject(input.projectID)
            // Neutron converts a null MAC to a generated one before its rules see the port.
            if input.regeneratesMACAddress {
                input.macAddress = try MACAddressGenerator.unused(in: self, networkID: networkID)
            }
            // The rules see the port as it would be, before a MAC is generated for it.
            var requested = Port(
                id: "", networkID: networkID, projectID: project, macAddress: input.macAddress ?? "", createdAt: now)
            requested.portSecurityEnabled = network.portSecurityEnabled
            requested.apply(input)
            try access.authorizeCreate(requested, input, network: network)
            let mac: String
            if let requested = input.macAddress {
                guard !isMACInUse(requested, inNetwork: networkID) else {
                    throw .macAddressInUse(network: networkID, mac: requested)
                }
                mac = requested
            } else {
                mac = try MACAddressGenerator.unused(in: self, networkID: networkID)
            }
            // The network's own strings when equal: every port of a network shares them.
            var port = Port(
                id: RandomID.uuid(), networkID: network.id,
                projectID: project == network.projectID ? network.projectID : project, macAddress: mac,
                createdAt: now)
            port.portSecurityEnabled = network.portSecurityEnabled
            port.apply(input)
            // ML2's port_security driver trusts a port Neutron owns (`is_port_trusted`): no port
            // security, whatever the request or the network says; only on create.
            if port.deviceOwner.hasPrefix("network:") { port.portSecurityEnabled = false }
            port.securityGroups = try securityGroups(
                requested: input.securityGroups, portSecurity: port.portSecurityEnabled, project: project, by: access)
            port.tags = Self.neutronOrder(input.tags ?? [])
            port.status = derivation.status(of: port)
            sharing.share(&port)
            put(port)
            correlateRequestPort(port.id, now: now)
            created.append(self.port(port.id) ?? port)
        }
        let reading = access.portReading()
        emit(
            "port.create.start", resourceType: "port", resourceID: created.first?.id ?? "",
            projectID: created.first?.projectID, payload: Self.bytes(request), by: access.identity)
        for port in created {
            emit(
                "port.create.end", resourceType: "port", resourceID: port.id, projectID: port.projectID,
                payload: port.envelope(view: reading.view(of: port, network: network(port.networkID))),
                by: access.identity)
        }
        return created
    }

    /// Updates a port through the API. A change bumps `revision_number` and `updated_at`; writing the
    /// value a port already has changes nothing (as Neutron).
    public mutating func updatePort(
        id: String, _ input: PortInput, request: JSONValue, ifMatch: Int?, by access: AccessPolicy
    ) throws(NeutronError) -> Port {
        try updatePortRendered(id: id, input, request: request, ifMatch: ifMatch, by: access).port
    }

    /// ``updatePort(id:_:request:ifMatch:by:)``, with the port's envelope as the caller sees it: the
    /// payload of its `port.update.end`, which is also the API's answer to the update.
    ///
    /// Every refusal is thrown before anything changes (the event loop's updates run it without the
    /// copy of the change set that would roll a failure back): keep the checks ahead of the first write.
    public mutating func updatePortRendered(
        id: String, _ input: PortInput, request: JSONValue, ifMatch: Int?, by access: AccessPolicy
    ) throws(NeutronError) -> (port: Port, envelope: [UInt8]) {
        var port = try reachablePort(id, access)
        let network = network(port.networkID)
        let before = port
        var input = input
        if input.regeneratesMACAddress {
            input.macAddress = try MACAddressGenerator.unused(in: self, networkID: port.networkID)
        }
        port.apply(input)
        if case .some(let status) = input.dataPlaneStatus {
            port.dataPlaneStatusOverride = status
            port.dataPlaneStatus = status ?? port.correlatedDataPlaneStatus
        }
        port.status = derivation.status(of: port)
        try access.authorizeUpdate(before, to: port, input, network: network)
        try Self.check(ifMatch, before.revisionNumber)
        port.securityGroups = try updatedSecurityGroups(of: before, to: port, input, by: access)
        if let mac = input.macAddress, mac != before.macAddress,
            isMACInUse(mac, inNetwork: port.networkID, excluding: id)
        {
            throw .macAddressInUse(network: port.networkID, mac: mac)
        }
        emit(
            "port.update.start", resourceType: "port", resourceID: id, projectID: port.projectID,
            payload: Self.bytes(Self.withID(request, id)), by: access.identity)
        if port != before {
            port.revisionNumber += 1
            port.updatedAt = now
            // A PUT of `data_plane_status` alone (a monitor's or an admin's verdict) changes the
            // port's state, not its attributes: the store writes its state row, not the whole port.
            if port.hasSameAttributes(as: before) { putState(port) } else { put(port) }
            correlateRequestPort(id, now: now)
            port = self.port(id) ?? port
        }
        let envelope = port.envelope(view: access.portReading().view(of: port, network: network))
        emit(
            "port.update.end", resourceType: "port", resourceID: id, projectID: port.projectID, payload: envelope,
            by: access.identity)
        return (port, envelope)
    }

    /// ML2's `update_security_group_on_port` and port security checks: a changed set of groups is
    /// checked as on create (the same set keeps the port's order); a port without port security may
    /// keep no group.
    private func updatedSecurityGroups(
        of before: Port, to port: Port, _ input: PortInput, by access: AccessPolicy
    ) throws(NeutronError) -> [String] {
        var groups = before.securityGroups
        if let requested = input.securityGroups, Set(requested) != Set(before.securityGroups) {
            if !port.portSecurityEnabled, !requested.isEmpty { throw .portSecurityAndIPRequiredForSecurityGroups }
            groups = try usableSecurityGroups(requested, project: port.projectID, by: access)
        }
        if !port.portSecurityEnabled, !groups.isEmpty { throw .portSecurityPortHasSecurityGroup }
        return groups
    }

    /// Deletes a port, emitting `port.delete.start` `{"port_id"}` and `.end` `{"port", "port_id"}`.
    public mutating func deletePort(id: String, ifMatch: Int?, by access: AccessPolicy) throws(NeutronError) {
        let port = try reachablePort(id, access)
        try access.authorizeDelete(port, network: network(port.networkID))
        try Self.check(ifMatch, port.revisionNumber)
        emit(
            "port.delete.start", resourceType: "port", resourceID: id, projectID: port.projectID,
            payload: Self.object(["port_id": .string(id)]), by: access.identity)
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
            payload: writer.bytes, by: access.identity)
    }

    /// Applies fault correlation's verdict on a port (the system's own write).
    ///
    /// ``DataPlaneStatusPrecedence`` decides the visible value: an admin's override wins while set;
    /// otherwise a correlated DOWN is DOWN, and a port that was ever down returns to ACTIVE when
    /// its path recovers (degraded counts as up). A change bumps the revision and emits
    /// `port.update.end` (after ``eventTypePrefix``) with the full port; returns the port when it changed. `inRequest`: an API
    /// request wrote the port in this change set, bumped its revision and notifies it itself.
    @discardableResult
    public mutating func applyCorrelatedState(
        portID: String, _ state: DataPlaneState?, hasBeenDown: Bool, by identity: Identity, inRequest: Bool = false
    ) -> Port? {
        guard let port = port(portID) else { return nil }
        let (position, notify) = applyCorrelatedState(
            to: port, state, hasBeenDown: hasBeenDown, inRequest: inRequest)
        guard let position, let written = changes.ports[position].1 else { return nil }
        if notify {
            emitPortUpdate(
                id: written.id, projectID: written.projectID, payload: written.envelope(view: .full), by: identity)
        }
        return written
    }

    /// ``applyCorrelatedState(portID:_:hasBeenDown:by:inRequest:)`` on `port` (the port as this
    /// change set has it) without its notification: returns the position of the written port in
    /// ``changes`` when it changed visibly (a storm reads it there rather than copy it), and whether
    /// the caller must emit its `port.update.end` (see ``emitPortUpdate(id:projectID:payload:by:)``).
    mutating func applyCorrelatedState(
        to current: Port, _ state: DataPlaneState?, hasBeenDown: Bool, inRequest: Bool
    ) -> (position: Int?, notify: Bool) {
        var port = current
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
        guard visibleChange || port.correlatedDataPlaneStatus != oldCorrelated else { return (nil, false) }
        if visibleChange, !inRequest {
            port.revisionNumber += 1
            port.updatedAt = now
        }
        let position = putState(port)
        guard visibleChange else { return (nil, false) }
        return (position, !inRequest)
    }

    /// Emits the `port.update.end` of a correlated change of port `id` with its rendered `payload`.
    mutating func emitPortUpdate(id: String, projectID: String?, payload: [UInt8], by identity: Identity) {
        emit(
            "port.update.end", resourceType: "port", resourceID: id, projectID: projectID, payload: payload,
            by: identity)
    }

    /// The port, if the caller may see it (`get_port`): another project's port is PortNotFound, a port
    /// of the caller's project that its roles may not read is HTTPNotFound.
    public func visiblePort(_ id: String, _ access: AccessPolicy) throws(NeutronError) -> Port {
        let port = port(id)
        return try access.portReading().visiblePort(port, id: id, network: port.flatMap { network($0.networkID) })
    }

    /// The port, if it is within the caller's reach before any rule is asked (a write's rules decide
    /// the rest, as Neutron's `_update` and `_delete` do); else PortNotFound.
    func reachablePort(_ id: String, _ access: AccessPolicy) throws(NeutronError) -> Port {
        guard let port = port(id),
            access.reaches(project: port.projectID, orProject: network(port.networkID)?.projectID)
        else { throw .portNotFound(id) }
        return port
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
        if let value = input.bindingHostID { bindingHostID = value }
        if let value = input.bindingProfile { bindingProfile = value }
        if let value = input.bindingVnicType { bindingVnicType = value }
        if input.bindingHostID != nil || input.bindingVnicType != nil { bind() }
        if let value = input.portSecurityEnabled { portSecurityEnabled = value }
    }

    /// The binding ML2's Open vSwitch mechanism driver gives a port on a host
    /// (neutron/plugins/ml2/drivers/openvswitch/mech_driver/mech_openvswitch.py, `_pre_get_vif_details`
    /// and `_set_bridge_name`) when the agent runs the kernel datapath, `br-int` and the openvswitch
    /// firewall (no hybrid plug), with security groups on: `ovs_create_tap` for all but direct ports.
    mutating func bind() {
        guard !bindingHostID.isEmpty else {
            bindingVifType = "unbound"
            bindingVifDetails = [:]
            return
        }
        bindingVifType = "ovs"
        // Shared constants: every bound port refers to one of two dictionaries instead of its own.
        bindingVifDetails = bindingVnicType != "direct" ? Self.ovsTapVIFDetails : Self.ovsVIFDetails
    }

    private static let ovsVIFDetails: [String: JSONValue] = [
        "port_filter": .bool(true), "connectivity": .string("l2"), "ovs_hybrid_plug": .bool(false),
        "datapath_type": .string("system"), "bridge_name": .string("br-int"),
    ]
    private static let ovsTapVIFDetails = ovsVIFDetails.merging(["ovs_create_tap": .bool(true)]) { $1 }
}
