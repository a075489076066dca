/// Neutron's default policy rules (new defaults, `enforce_scope`) for networks and ports.
///
/// Roles imply each other as Keystone's defaults do (admin ⊃ member ⊃ reader). Portwatch deviates
/// from upstream in one documented place: `binding:profile` may be set by admins as well as by the
/// service role, because operators write `local_link_information` for bare-metal ports.
public enum AccessPolicy {
    /// The outcome of looking up a resource the caller may or may not see.
    public enum Visibility: Sendable, Equatable {
        case visible
        /// Another project's resource: reported as the resource's own NotFound.
        case otherProject
        /// The caller's project, but no role that may read it: `HTTPNotFound`.
        case forbiddenToRead
    }

    /// `get_network`: admin/service, project reader, or a shared network.
    public static func canSee(_ network: Network, _ identity: Identity) -> Bool {
        identity.isAdmin || identity.isService || network.shared || network.routerExternal
            || identity.isReader(of: network.projectID)
    }

    /// `get_port`: admin/service, project reader, or reader of the network's project.
    public static func visibility(of port: Port, networkProject: String?, _ identity: Identity) -> Visibility {
        if identity.isAdmin || identity.isService { return .visible }
        if identity.isReader(of: port.projectID) { return .visible }
        if let networkProject, identity.isReader(of: networkProject) { return .visible }
        if identity.projectID == port.projectID || identity.projectID == networkProject { return .forbiddenToRead }
        return .otherProject
    }

    /// The port when the caller may see it: another project's port is PortNotFound, a port of the
    /// caller's project that its roles may not read is HTTPNotFound (as Neutron answers).
    public static func visiblePort(
        _ port: Port?, id: String, networkProject: String?, _ identity: Identity
    ) throws(NeutronError) -> Port {
        guard let port else { throw .portNotFound(id) }
        switch visibility(of: port, networkProject: networkProject, identity) {
        case .visible: return port
        case .otherProject: throw .portNotFound(id)
        case .forbiddenToRead: throw .resourceNotFound
        }
    }

    /// Whether `binding:host_id`, `binding:profile`, `binding:vif_type` and `binding:vif_details` are shown.
    public static func showsBindingDetails(_ identity: Identity) -> Bool {
        identity.isAdmin || identity.isService
    }

    /// Whether the `provider:*` network attributes are shown or may be set.
    public static func showsProviderAttributes(_ identity: Identity) -> Bool {
        identity.isAdmin || identity.isService
    }

    /// `create_port` / `update_port` / `delete_port`: admin/service or member of the port's project.
    public static func canWritePort(project: String, networkProject: String?, _ identity: Identity) -> Bool {
        identity.isAdmin || identity.isService || identity.isMember(of: project)
            || (networkProject.map { identity.isMember(of: $0) } ?? false)
    }

    /// `update_port:data_plane_status`: admin or `role:data_plane_integrator` (the service role may not).
    public static func canWriteDataPlaneStatus(_ identity: Identity) -> Bool {
        identity.isAdmin || identity.roles.contains("data_plane_integrator")
    }

    /// Attributes only admin/service (or the network owner) may set: `mac_address`, `binding:host_id`,
    /// `binding:profile`, `fixed_ips`, `port_security_enabled`, `allowed_address_pairs`, `network:*` owners.
    public static func canWritePrivilegedPortAttribute(networkProject: String?, _ identity: Identity) -> Bool {
        identity.isAdmin || identity.isService || (networkProject.map { identity.isMember(of: $0) } ?? false)
    }

    /// `create_network` / `update_network` / `delete_network`: admin or member of the network's project.
    public static func canWriteNetwork(project: String, _ identity: Identity) -> Bool {
        identity.isAdmin || identity.isMember(of: project)
    }
}
