/// The extensions Portwatch implements, as `GET /v2.0/extensions` lists them.
///
/// Upstream's entries are copied verbatim (name, description, updated) from Neutron 29, so clients
/// that look for an alias find what they expect; Portwatch's own extensions follow.
enum ExtensionCatalog {
    struct Entry: Sendable {
        let name: String
        let alias: String
        let description: String
        let updated: String
    }

    static let entries: [Entry] = [
        Entry(
            name: "Availability Zone", alias: "availability_zone", description: "The availability zone extension.",
            updated: "2015-01-01T10:00:00-00:00"),
        Entry(
            name: "Availability Zone Filter Extension", alias: "availability_zone_filter",
            description: "Add filter parameters to AvailabilityZone resource", updated: "2018-06-22T10:00:00-00:00"),
        Entry(
            name: "Network Availability Zone", alias: "network_availability_zone",
            description: "Availability zone support for network.", updated: "2015-01-01T10:00:00-00:00"),
        Entry(
            name: "Port Binding", alias: "binding",
            description: "Expose port bindings of a virtual port to external application",
            updated: "2014-02-03T10:00:00-00:00"),
        Entry(
            name: "Port data plane status extension", alias: "data-plane-status",
            description: "Expose status of underlying data plane", updated: "2017-01-24T10:00:00-00:00"),
        Entry(
            name: "Allowed Address Pairs", alias: "allowed-address-pairs",
            description: "Provides allowed address pairs", updated: "2013-07-23T10:00:00-00:00"),
        Entry(
            name: "Empty String Filtering Extension", alias: "empty-string-filtering",
            description: "Allow filtering by attributes with empty string value", updated: "2018-05-01T10:00:00-00:00"),
        Entry(
            name: "Neutron external network", alias: "external-net",
            description: "Adds external network attribute to network resource.", updated: "2013-01-14T10:00:00-00:00"),
        Entry(
            name: "Neutron Extra DHCP options", alias: "extra_dhcp_opt",
            description:
                "Extra options configuration for DHCP. For example PXE boot options to DHCP clients can be specified (e.g. tftp-server, server-ip-address, bootfile-name)",
            updated: "2013-03-17T12:00:00-00:00"),
        Entry(
            name: "Filter parameters validation", alias: "filter-validation",
            description: "Provides validation on filter parameters.", updated: "2018-07-04T10:00:00-00:00"),
        Entry(
            name: "IP address substring filtering", alias: "ip-substring-filtering",
            description: "Provides IP address substring filtering when listing ports",
            updated: "2017-11-28T09:00:00-00:00"),
        Entry(
            name: "Network MTU", alias: "net-mtu", description: "Provides MTU attribute for a network resource.",
            updated: "2015-03-25T10:00:00-00:00"),
        Entry(
            name: "Network MTU (writable)", alias: "net-mtu-writable",
            description: "Provides a writable MTU attribute for a network resource.",
            updated: "2017-07-12T00:00:00-00:00"),
        Entry(
            name: "Pagination support", alias: "pagination",
            description: "Extension that indicates that pagination is enabled.", updated: "2016-06-12T00:00:00-00:00"),
        Entry(
            name: "Neutron Port MAC address regenerate", alias: "port-mac-address-regenerate",
            description: "Network port MAC address regenerate", updated: "2018-05-03T10:00:00-00:00"),
        Entry(
            name: "Port Security", alias: "port-security", description: "Provides port security",
            updated: "2012-07-23T10:00:00-00:00"),
        Entry(
            name: "Port filtering on security groups", alias: "port-security-groups-filtering",
            description: "Provides security groups filtering when listing ports", updated: "2018-01-09T09:00:00-00:00"),
        Entry(
            name: "project_id field enabled", alias: "project-id",
            description: "Extension that indicates that project_id field is enabled.",
            updated: "2016-09-09T09:09:09-09:09"),
        Entry(
            name: "Provider Network", alias: "provider",
            description: "Expose mapping of virtual networks to physical networks", updated: "2012-09-07T10:00:00-00:00"
        ),
        Entry(
            name: "If-Match constraints based on revision_number", alias: "revision-if-match",
            description: "Extension indicating that If-Match based on revision_number is supported.",
            updated: "2016-12-11T00:00:00-00:00"),
        Entry(
            name: "security-group", alias: "security-group", description: "The security groups extension.",
            updated: "2012-10-05T10:00:00-00:00"),
        Entry(
            name: "Normalized CIDR field for security group rules", alias: "security-groups-normalized-cidr",
            description: "Add new field with normalized remote_ip_prefix cidr in SG rule",
            updated: "2020-07-28T10:00:00-00:00"),
        Entry(
            name: "Remote address group id field for security group rules",
            alias: "security-groups-remote-address-group",
            description: "Add new field of remote address group id in SG rules", updated: "2020-08-25T10:00:00-00:00"),
        Entry(
            name: "Security group rule belongs to the project's default security group",
            alias: "security-groups-rules-belongs-to-default-sg",
            description: "Flag to determine if the security group rule belongs to the project's default security group",
            updated: "2023-05-23T10:00:00-00:00"),
        Entry(
            name: "Security group filtering on the shared field", alias: "security-groups-shared-filtering",
            description: "Support filtering security groups on the shared field", updated: "2021-10-05T09:00:00-00:00"),
        Entry(
            name: "Sorting support", alias: "sorting", description: "Extension that indicates that sorting is enabled.",
            updated: "2016-06-12T00:00:00-00:00"),
        Entry(
            name: "standard-attr-description", alias: "standard-attr-description",
            description: "Extension to add descriptions to standard attributes", updated: "2016-02-10T10:00:00-00:00"),
        Entry(
            name: "Resource revision numbers", alias: "standard-attr-revisions",
            description: "This extension will display the revision number of neutron resources.",
            updated: "2016-04-11T10:00:00-00:00"),
        Entry(
            name:
                "Tag support for resources with standard attribute: port, subnet, subnetpool, network, security_group, router, floatingip, policy, trunk, network_segment_range",
            alias: "standard-attr-tag", description: "Enables to set tag on resources with standard attribute.",
            updated: "2017-01-01T00:00:00-00:00"),
        Entry(
            name: "Resource timestamps", alias: "standard-attr-timestamp",
            description:
                "Adds created_at and updated_at fields to all Neutron resources that have Neutron standard attributes.",
            updated: "2016-09-12T10:00:00-00:00"),
        Entry(
            name: "Stateful security group", alias: "stateful-security-group",
            description: "Indicates if the security group is stateful or not", updated: "2019-11-26T09:00:00-00:00"),
        Entry(
            name: "Tag Ports During Bulk Creation", alias: "tag-ports-during-bulk-creation",
            description: "Allow to tag ports during bulk creation", updated: "2019-12-29T19:00:00-00:00"),
        // Sic: neutron-lib's date has the month and the day swapped.
        Entry(
            name: "Tag creation extension", alias: "tag-creation",
            description: "Allow to create multiple tags for a resource", updated: "2024-23-07T10:00:00-00:00"),
    ]

    static func entry(_ alias: String) -> Entry? { entries.first { $0.alias == alias } }
}
