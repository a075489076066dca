import Foundation
import PortwatchCore

extension ResourceSpec where Resource == SecurityGroup {
    /// As Neutron 29 defines them: id, name and the project sort and filter; description,
    /// revision_number, stateful and shared filter only.
    static let securityGroups: ResourceSpec = {
        let common: [String: @Sendable (SecurityGroup) -> FieldValue] = [
            "id": { .string($0.id) },
            "name": { .string($0.name) },
            "project_id": { .string($0.projectID) },
            "tenant_id": { .string($0.projectID) },
        ]
        var filterable = common
        filterable["description"] = { .string($0.description) }
        filterable["revision_number"] = { .int($0.revisionNumber) }
        filterable["stateful"] = { .bool($0.stateful) }
        filterable["shared"] = { _ in .bool(false) }
        return ResourceSpec(
            plural: "security_groups", path: "security-groups", id: \.id, tags: \.tags, updatedAt: \.updatedAt,
            filterable: filterable, sortable: common, specialFilters: [:],
            conversions: ["stateful": .boolean, "shared": .boolean])
    }()
}

extension ResourceSpec where Resource == SecurityGroupRule {
    /// As Neutron 29 defines them: the rule's own attributes filter and sort; description,
    /// revision_number and belongs_to_default_sg filter only.
    static let securityGroupRules: ResourceSpec = {
        let common: [String: @Sendable (SecurityGroupRule) -> FieldValue] = [
            "id": { .string($0.id) },
            "project_id": { .string($0.projectID) },
            "tenant_id": { .string($0.projectID) },
            "security_group_id": { .string($0.securityGroupID) },
            "direction": { .string($0.direction) },
            "ethertype": { .string($0.ethertype) },
            "protocol": { $0.protocolName.map(FieldValue.string) ?? .null },
            "port_range_min": { $0.portRangeMin.map(FieldValue.int) ?? .null },
            "port_range_max": { $0.portRangeMax.map(FieldValue.int) ?? .null },
            "remote_ip_prefix": { $0.remoteIPPrefix.map(FieldValue.string) ?? .null },
            "remote_group_id": { $0.remoteGroupID.map(FieldValue.string) ?? .null },
            "remote_address_group_id": { _ in .null },
        ]
        var filterable = common
        filterable["description"] = { $0.description.map(FieldValue.string) ?? .null }
        filterable["revision_number"] = { .int($0.revisionNumber) }
        filterable["belongs_to_default_sg"] = { .bool($0.belongsToDefaultGroup) }
        return ResourceSpec(
            plural: "security_group_rules", path: "security-group-rules", id: \.id, tags: { _ in [] },
            updatedAt: \.updatedAt, filterable: filterable, sortable: common, specialFilters: [:],
            conversions: ["belongs_to_default_sg": .boolean])
    }()
}
