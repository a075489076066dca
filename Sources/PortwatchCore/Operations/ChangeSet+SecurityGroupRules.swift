import Foundation

extension ChangeSet {
    /// Adds a rule to a group the caller can use, emitting `security_group_rule.create.start` and
    /// `.end`; the group's revision goes up, as Neutron bumps a parent with its child.
    public mutating func createSecurityGroupRule(
        _ input: SecurityGroupRuleInput, request: JSONValue, by access: AccessPolicy
    ) throws(NeutronError) -> SecurityGroupRule {
        var input = input
        let project = try access.owningProject(input.projectID)
        // Neutron asks the rule (with the group's owner) first, then its plugin looks the group up
        // in the rule's project.
        guard var group = securityGroup(input.securityGroupID) else {
            throw .securityGroupNotFound(input.securityGroupID)
        }
        var rule = SecurityGroupRule(
            id: RandomID.uuid(), securityGroupID: group.id, projectID: project,
            direction: input.direction, ethertype: input.ethertype, createdAt: now)
        try access.authorize("create_security_group_rule", target: rule.policyTarget(group: group))
        try input.canonicalizeAndValidate()
        guard access.canSee(group), access.isAdmin || group.projectID == project else {
            throw .securityGroupNotFound(input.securityGroupID)
        }
        if let remote = input.remoteGroupID {
            guard let remoteGroup = securityGroup(remote), access.canSee(remoteGroup),
                access.isAdmin || remoteGroup.projectID == project
            else { throw .securityGroupNotFound(remote) }
        }
        rule.protocolName = input.protocolName
        rule.portRangeMin = input.portRangeMin
        rule.portRangeMax = input.portRangeMax
        rule.remoteIPPrefix = input.remoteIPPrefix
        rule.remoteGroupID = input.remoteGroupID
        rule.description = input.description ?? ""
        rule.belongsToDefaultGroup = group.isDefault
        rule.standardAttributeID = nextRuleNumber()
        if let existing = group.rules.first(where: { $0.duplicateKey == rule.duplicateKey }) {
            throw NeutronError(
                status: 409, type: "SecurityGroupRuleExists",
                message: "Security group rule already exists. Rule id is \(existing.id).")
        }
        group.rules.append(rule)
        group.revisionNumber += 1
        put(group)
        emit(
            "security_group_rule.create.start", resourceType: "security_group_rule", resourceID: rule.id,
            projectID: rule.projectID, payload: Self.bytes(request), by: access.identity)
        emit(
            "security_group_rule.create.end", resourceType: "security_group_rule", resourceID: rule.id,
            projectID: rule.projectID, payload: rule.envelope(view: .full), by: access.identity)
        return rule
    }

    /// Deletes a rule, emitting `security_group_rule.delete.start` and `.end`.
    public mutating func deleteSecurityGroupRule(id: String, by access: AccessPolicy) throws(NeutronError) {
        guard let groupID = base.securityGroupIDsByRule[id] ?? ruleGroupInChanges(id),
            var group = securityGroup(groupID), let index = group.rules.firstIndex(where: { $0.id == id })
        else { throw .securityGroupRuleNotFound(id) }
        // Another project's rule is found, then out of reach: the plain 404.
        guard access.reaches(project: group.rules[index].projectID, orProject: group.projectID) else {
            throw .resourceNotFound
        }
        let rule = group.rules[index]
        try access.authorize("delete_security_group_rule", target: rule.policyTarget(group: group))
        emit(
            "security_group_rule.delete.start", resourceType: "security_group_rule", resourceID: id,
            projectID: rule.projectID, payload: Self.object(["security_group_rule_id": .string(id)]),
            by: access.identity)
        group.rules.remove(at: index)
        group.revisionNumber += 1
        put(group)
        emit(
            "security_group_rule.delete.end", resourceType: "security_group_rule", resourceID: id,
            projectID: rule.projectID, payload: Self.deletedPayload(rule, id: id), by: access.identity)
    }

    private func ruleGroupInChanges(_ id: String) -> String? {
        for case (_, let group?) in changes.securityGroups where group.rules.contains(where: { $0.id == id }) {
            return group.id
        }
        return nil
    }
}
