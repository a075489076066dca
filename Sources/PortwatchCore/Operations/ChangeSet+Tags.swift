extension ChangeSet {
    /// A resource that carries tags.
    public enum TaggedResource: String, Sendable {
        case port = "ports"
        case network = "networks"

        var singular: String { self == .port ? "port" : "network" }
    }

    /// How a tags request changes the set.
    public enum TagChange: Sendable {
        case replaceAll([String])
        case addAll([String])
        case add(String)
        case remove(String)
        case removeAll

        /// The tags rule's action for this change.
        var action: AccessPolicy.TagAction {
            switch self {
            case .addAll: .create
            case .replaceAll, .add: .update
            case .remove, .removeAll: .delete
            }
        }
    }

    /// The tags of a resource, when `get_<resource>:tags` allows it. As in Neutron 29's tag controller,
    /// the rule is asked before visibility: another project's resource is that rule's 403, a missing
    /// one 404 (Neutron: 500).
    public func tags(of resource: TaggedResource, id: String, by access: AccessPolicy) throws(NeutronError) -> [String]
    {
        switch resource {
        case .port:
            guard let port = port(id) else { throw Self.taggedResourceNotFound(resource, id) }
            try access.authorizeTags(.get, of: port, network: network(port.networkID))
            return Self.neutronOrder(port.tags)
        case .network:
            guard let network = network(id) else { throw Self.taggedResourceNotFound(resource, id) }
            try access.authorizeTags(.get, of: network)
            return Self.neutronOrder(network.tags)
        }
    }

    /// Changes a resource's tags; a change bumps its revision and emits `tag.<op>.end`.
    ///
    /// The rule is the change's: `create_<resource>:tags` adds a list (POST), `update_<resource>:tags`
    /// replaces the list or adds one tag (PUT), `delete_<resource>:tags` removes one or all (DELETE).
    public mutating func changeTags(
        of resource: TaggedResource, id: String, _ change: TagChange, by access: AccessPolicy
    ) throws(NeutronError) -> [String] {
        var tags: [String]
        var project: String
        switch resource {
        case .port:
            guard let port = port(id) else { throw Self.taggedResourceNotFound(resource, id) }
            try access.authorizeTags(change.action, of: port, network: network(port.networkID))
            tags = port.tags
            project = port.projectID
        case .network:
            guard let network = network(id) else { throw Self.taggedResourceNotFound(resource, id) }
            try access.authorizeTags(change.action, of: network)
            tags = network.tags
            project = network.projectID
        }
        let operation: String
        switch change {
        case .replaceAll(let new):
            tags = Self.unique(new)
            operation = "update"
        case .addAll(let new):
            tags = Self.unique(tags + new)
            operation = "create"
        case .add(let tag):
            if !tags.contains(tag) { tags.append(tag) }
            operation = "create"
        case .remove(let tag):
            guard tags.contains(tag) else { throw .tagNotFound(tag) }
            tags.removeAll { $0 == tag }
            operation = "delete"
        case .removeAll:
            tags = []
            operation = "delete_all"
        }
        guard tags.count <= 50 else {
            throw .badRequest(resource: resource.rawValue, "The number of tags exceed the per-resource limit of 50")
        }
        let stored = Self.neutronOrder(tags)
        switch resource {
        case .port:
            var port = port(id)!
            if port.tags != stored {
                port.tags = stored
                port.revisionNumber += 1
                port.updatedAt = now
                put(port)
            }
        case .network:
            var network = network(id)!
            if network.tags != stored {
                network.tags = stored
                network.revisionNumber += 1
                network.updatedAt = now
                put(network)
            }
        }
        var payload: [String: JSONValue] = [
            "obj_resource": .string(resource.rawValue), "obj_resource_id": .string(id),
        ]
        if operation != "delete_all" { payload["tags"] = .array(tags.map(JSONValue.string)) }
        emit(
            "tag.\(operation).end", resourceType: resource.singular, resourceID: id, projectID: project,
            payload: Self.object(payload), by: access.identity)
        return tags
    }

    static func taggedResourceNotFound(_ resource: TaggedResource, _ id: String) -> NeutronError {
        NeutronError(
            status: 404, type: "NotFound", message: "Resource \(resource.singular) \(id) could not be found.")
    }

    /// The order Neutron 29 reads tags in: by their UTF-8 bytes (MariaDB's binary order of its
    /// `(standard_attr_id, tag)` key), so `B` before `a`.
    public static func neutronOrder(_ tags: [String]) -> [String] {
        tags.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    public static func unique(_ tags: [String]) -> [String] {
        var seen = Set<String>()
        return tags.filter { seen.insert($0).inserted }
    }
}
