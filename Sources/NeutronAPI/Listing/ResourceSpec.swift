import Foundation
import PortwatchCore

/// How one collection lists: its names, and the attributes that filter and sort.
struct ResourceSpec<Resource: Sendable>: Sendable {
    /// `ports`, `networks`: the collection's JSON key.
    let plural: String
    /// The collection's path under `/v2.0/` (`security-groups` for `security_groups`).
    let path: String
    let id: @Sendable (Resource) -> String
    let tags: @Sendable (Resource) -> [String]
    let updatedAt: @Sendable (Resource) -> Date
    /// Attribute name → value, for every filterable attribute.
    let filterable: [String: @Sendable (Resource) -> FieldValue]
    /// Attribute name → value, for every sortable attribute.
    let sortable: [String: @Sendable (Resource) -> FieldValue]
    /// Filters with their own syntax (`fixed_ips=ip_address=...`): name → matcher over the values.
    let specialFilters: [String: @Sendable (Resource, [String]) -> Bool]
    /// The filters whose values Neutron converts (and so rejects) before filtering.
    let conversions: [String: FilterConversion]
}

extension ResourceSpec where Resource == PortwatchCore.Port {
    static let ports: ResourceSpec = {
        let common: [String: @Sendable (PortwatchCore.Port) -> FieldValue] = [
            "id": { .string($0.id) },
            "name": { .string($0.name) },
            "network_id": { .string($0.networkID) },
            "project_id": { .string($0.projectID) },
            "tenant_id": { .string($0.projectID) },
            "mac_address": { .string($0.macAddress) },
            "admin_state_up": { .bool($0.adminStateUp) },
            "status": { .string($0.status.rawValue) },
            "device_id": { .string($0.deviceID) },
            "device_owner": { .string($0.deviceOwner) },
        ]
        // As Neutron 29 defines them (`is_filter`, `is_sort_key`): binding:vnic_type,
        // port_security_enabled and the timestamps are neither, description and revision_number
        // filter only.
        var filterable = common
        filterable["description"] = { .string($0.description) }
        filterable["revision_number"] = { .int($0.revisionNumber) }
        filterable["security_groups"] = { .list($0.securityGroups) }
        filterable["binding:host_id"] = { .string($0.bindingHostID) }
        return ResourceSpec(
            plural: "ports", path: "ports", id: \.id, tags: \.tags, updatedAt: \.updatedAt, filterable: filterable,
            sortable: common, specialFilters: ["fixed_ips": matchFixedIPs],
            conversions: ["admin_state_up": .boolean, "fixed_ips": .keyValue])
    }()

    /// `fixed_ips=ip_address=10.0.0.5`, `fixed_ips=subnet_id=...`, `fixed_ips=ip_address_substr=10.0`.
    @Sendable static func matchFixedIPs(_ port: PortwatchCore.Port, _ values: [String]) -> Bool {
        values.contains { value in
            let parts = value.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { return false }
            return port.fixedIPs.contains { fixedIP in
                switch parts[0] {
                case "ip_address": return fixedIP.ipAddress == parts[1]
                case "subnet_id": return fixedIP.subnetID == parts[1]
                case "ip_address_substr": return fixedIP.ipAddress?.contains(parts[1]) ?? false
                default: return false
                }
            }
        }
    }
}

extension ResourceSpec where Resource == Network {
    static let networks: ResourceSpec = {
        let common: [String: @Sendable (Network) -> FieldValue] = [
            "id": { .string($0.id) },
            "name": { .string($0.name) },
            "project_id": { .string($0.projectID) },
            "tenant_id": { .string($0.projectID) },
            "admin_state_up": { .bool($0.adminStateUp) },
            "status": { .string($0.status.rawValue) },
            "mtu": { .int($0.mtu) },
        ]
        // As Neutron 29 defines them: port_security_enabled and the timestamps are neither filter
        // nor sort key; description, revision_number, shared, router:external and provider:* filter
        // only, availability_zone_hints sorts only.
        var filterable = common
        filterable["description"] = { .string($0.description) }
        filterable["revision_number"] = { .int($0.revisionNumber) }
        filterable["shared"] = { .bool($0.shared) }
        filterable["router:external"] = { .bool($0.routerExternal) }
        filterable["provider:network_type"] = { .string($0.networkType) }
        filterable["provider:physical_network"] = { $0.physicalNetwork.map(FieldValue.string) ?? .null }
        filterable["provider:segmentation_id"] = { $0.segmentationID.map(FieldValue.int) ?? .null }
        var sortable = common
        sortable["availability_zone_hints"] = { .list($0.availabilityZoneHints) }
        return ResourceSpec(
            plural: "networks", path: "networks", id: \.id, tags: \.tags, updatedAt: \.updatedAt,
            filterable: filterable,
            sortable: sortable, specialFilters: [:],
            conversions: [
                "admin_state_up": .boolean, "shared": .boolean, "router:external": .boolean, "mtu": .integer,
                "provider:segmentation_id": .integer,
            ])
    }()
}
