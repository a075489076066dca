/// The rules Portwatch ships: Neutron's for networks and ports, and Portwatch's own.
///
/// Neutron's are its new defaults (`enforce_new_defaults = True`, the only mode current oslo.policy
/// enforces scope in): the check strings that are not deprecated, composed from the same pieces
/// neutron-lib composes them from, so the sample file reads as Neutron's does.
public enum PolicyDefaults {
    /// Every rule Portwatch enforces, in the order the sample file lists them: Neutron's, with
    /// ``deviations`` applied, then Portwatch's own.
    public static let all: [RuleDefault] =
        neutronBase + neutronNetworks + neutronPorts.map(applyingDeviation) + neutronSecurityGroups + portwatch

    /// Neutron's API rules are all project-scoped.
    static let projectScope = ["project"]

    // neutron_lib.policy.rules: the personas the new defaults are written in.
    static let admin = "rule:admin_only"
    static let service = "rule:service_api"
    static let advsvc = "rule:context_is_advsvc"
    static let projectManager = "role:manager and project_id:%(project_id)s"
    static let projectMember = "role:member and project_id:%(project_id)s"
    static let projectReader = "role:reader and project_id:%(project_id)s"
    static let adminOrService = "(\(admin)) or (\(service))"
    static let adminOrProjectMember = "(\(admin)) or (\(projectMember))"
    static let adminOrProjectReader = "(\(admin)) or (\(projectReader))"
    // neutron/conf/policies/base.py: the network owner, for ports on another project's network.
    static let networkOwnerManager = "role:manager and rule:network_owner"
    static let networkOwnerMember = "role:member and rule:network_owner"
    static let networkOwnerReader = "role:reader and rule:network_owner"
    static let adminOrNetworkOwnerMember = "(\(admin)) or (\(networkOwnerMember))"
    static let adminOrNetworkOwnerReader = "(\(admin)) or (\(networkOwnerReader))"

    /// neutron-lib's `policy_or`: the checks joined by ` or `, without parentheses.
    static func or(_ checks: String...) -> String { checks.joined(separator: " or ") }

    /// The operations Neutron lists for a collection's rules.
    struct CollectionOperations {
        let post: [RuleDefault.Operation]
        let put: [RuleDefault.Operation]
        let delete: [RuleDefault.Operation]
        let get: [RuleDefault.Operation]
        let getTags: [RuleDefault.Operation]
        let putTags: [RuleDefault.Operation]
        let postTags: [RuleDefault.Operation]
        let deleteTags: [RuleDefault.Operation]

        init(_ collection: String) {
            let resource = "/\(collection)/{id}"
            post = [.init("POST", "/\(collection)")]
            put = [.init("PUT", resource)]
            delete = [.init("DELETE", resource)]
            get = [.init("GET", "/\(collection)"), .init("GET", resource)]
            getTags = [.init("GET", resource + "/tags"), .init("GET", resource + "/tags/{tag_id}")]
            putTags = [.init("PUT", resource + "/tags"), .init("PUT", resource + "/tags/{tag_id}")]
            postTags = [.init("POST", resource + "/tags")]
            deleteTags = [.init("DELETE", resource + "/tags"), .init("DELETE", resource + "/tags/{tag_id}")]
        }
    }

    static let networks = CollectionOperations("networks")
    static let ports = CollectionOperations("ports")
}
