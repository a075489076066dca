import Foundation

extension ChangeSet {
    /// Neutron's `_ensure_default_security_group`: `project`'s default group, created with Neutron's
    /// default rules when the project has none yet (the first port, network or group list of a
    /// project creates it). No notification: Neutron's plugin creates it, not an API request.
    @discardableResult
    public mutating func ensureDefaultSecurityGroup(ofProject project: String) -> SecurityGroup {
        if let group = defaultSecurityGroup(ofProject: project) { return group }
        var group = SecurityGroup(
            id: RandomID.uuid(), name: SecurityGroup.defaultName, projectID: project, createdAt: now)
        group.isDefault = true
        group.description = "Default security group"
        group.rules = SecurityGroupRule.defaults(for: group, now: now, numberedFrom: nextRuleNumber())
        put(group)
        return group
    }

    /// Creates security groups (one, or an atomic bulk) with the default egress rules, emitting
    /// `security_group.create.start` and `.end`.
    public mutating func createSecurityGroups(
        _ inputs: [SecurityGroupInput], request: JSONValue, bulk: Bool, by access: AccessPolicy
    ) throws(NeutronError) -> [SecurityGroup] {
        var created: [SecurityGroup] = []
        for input in inputs {
            let project = try access.owningProject(input.projectID)
            var group = SecurityGroup(
                id: RandomID.uuid(), name: input.name ?? "", projectID: project, createdAt: now)
            group.assign(input)
            try access.authorize("create", group)
            ensureDefaultSecurityGroup(ofProject: project)
            group.rules = SecurityGroupRule.defaults(for: group, now: now, numberedFrom: nextRuleNumber())
            put(group)
            created.append(group)
        }
        emit(
            "security_group.create.start", resourceType: "security_group", resourceID: created.first?.id ?? "",
            projectID: created.first?.projectID, payload: Self.bytes(request), by: access.identity)
        for group in created {
            emit(
                "security_group.create.end", resourceType: "security_group", resourceID: group.id,
                projectID: group.projectID, payload: group.envelope(view: .full), by: access.identity)
        }
        return created
    }

    /// Updates a group's name, description or statefulness; a change bumps `revision_number`.
    public mutating func updateSecurityGroup(
        id: String, _ input: SecurityGroupInput, request: JSONValue, ifMatch: Int?, by access: AccessPolicy
    ) throws(NeutronError) -> SecurityGroup {
        guard var group = securityGroup(id), access.canSee(group) else { throw .securityGroupNotFound(id) }
        let before = group
        group.assign(input)
        try access.authorize("update", group)
        try Self.check(ifMatch, before.revisionNumber)
        // Neutron's order: a statefulness change of a group in use, then any name for the default group.
        if group.stateful != before.stateful, isSecurityGroupInUse(id) { throw .securityGroupInUse(id) }
        if before.isDefault, input.name != nil { throw .securityGroupCannotUpdateDefault }
        emit(
            "security_group.update.start", resourceType: "security_group", resourceID: id,
            projectID: group.projectID, payload: Self.bytes(Self.withID(request, id)), by: access.identity)
        if group != before {
            group.revisionNumber += 1
            group.updatedAt = now
            put(group)
        }
        emit(
            "security_group.update.end", resourceType: "security_group", resourceID: id,
            projectID: group.projectID, payload: group.envelope(view: .full), by: access.identity)
        return group
    }

    /// Deletes a group no port uses; only an admin deletes a project's default group.
    public mutating func deleteSecurityGroup(id: String, ifMatch: Int?, by access: AccessPolicy) throws(NeutronError) {
        guard let group = securityGroup(id), access.reaches(project: group.projectID) else {
            throw .securityGroupNotFound(id)
        }
        try access.authorize("delete", group)
        try Self.check(ifMatch, group.revisionNumber)
        if isSecurityGroupInUse(id) { throw .securityGroupInUse(id) }
        if group.isDefault, !access.isAdmin { throw .securityGroupCannotRemoveDefault }
        emit(
            "security_group.delete.start", resourceType: "security_group", resourceID: id,
            projectID: group.projectID, payload: Self.object(["security_group_id": .string(id)]),
            by: access.identity)
        deleteSecurityGroup(id)
        emit(
            "security_group.delete.end", resourceType: "security_group", resourceID: id,
            projectID: group.projectID, payload: Self.deletedPayload(group, id: id), by: access.identity)
    }

    /// The next ``SecurityGroupRule/standardAttributeID``, counting this change set's own rules.
    func nextRuleNumber() -> Int {
        var last = base.lastRuleNumber
        for case (_, let group?) in changes.securityGroups {
            for rule in group.rules { last = max(last, rule.standardAttributeID) }
        }
        return last + 1
    }

    /// Neutron's `.delete.end` payload: `{"<singular>": {...}, "<singular>_id": id}`.
    static func deletedPayload<Resource: RenderableResource>(_ resource: Resource, id: String) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key(Resource.singular)
        resource.render(into: &writer, view: .full)
        writer.key(Resource.singular + "_id")
        writer.string(id)
        writer.endObject()
        return writer.bytes
    }

    /// Whether a port names the group (a scan: deleting a group is rare, and ports keep no index of it).
    func isSecurityGroupInUse(_ id: String) -> Bool {
        for (_, port) in changes.ports where port?.securityGroups.contains(id) == true { return true }
        return base.ports.values.contains { port in
            port.securityGroups.contains(id) && changes.portIndex[port.id] == nil
        }
    }

    /// The groups a port gets, as ML2 decides them: with port security, the requested groups (each
    /// one the caller can use for `project`, duplicates dropped) or else the project's default group;
    /// without it none, and naming any is 400.
    mutating func securityGroups(
        requested: [String]?, portSecurity: Bool, project: String, by access: AccessPolicy
    ) throws(NeutronError) -> [String] {
        guard portSecurity else {
            if let requested, !requested.isEmpty { throw .portSecurityAndIPRequiredForSecurityGroups }
            return []
        }
        guard let requested else { return [ensureDefaultSecurityGroup(ofProject: project).id] }
        return try usableSecurityGroups(requested, project: project, by: access)
    }

    /// Neutron's `_get_security_groups_on_port`: every id must name a group the caller can read that
    /// belongs to `project` (any project for an admin); the missing ones are named together.
    func usableSecurityGroups(
        _ requested: [String], project: String, by access: AccessPolicy
    ) throws(NeutronError) -> [String] {
        var unique: [String] = []
        for id in requested where !unique.contains(id) { unique.append(id) }
        let missing = unique.filter { id in
            guard let group = securityGroup(id), access.canSee(group) else { return true }
            return !access.isAdmin && group.projectID != project
        }
        if !missing.isEmpty { throw .securityGroupNotFound(missing.joined(separator: ", ")) }
        return unique
    }
}

extension SecurityGroup {
    mutating func assign(_ input: SecurityGroupInput) {
        if let value = input.name { name = value }
        if let value = input.description { description = value }
        if let value = input.stateful { stateful = value }
    }
}
