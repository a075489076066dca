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
    }

    /// The tags of a resource the caller may see.
    public func tags(of resource: TaggedResource, id: String, by identity: Identity) throws(NeutronError) -> [String] {
        switch resource {
        case .port: return try visiblePort(id, identity).tags
        case .network:
            guard let network = network(id), AccessPolicy.canSee(network, identity) else {
                throw Self.taggedResourceNotFound(resource, id)
            }
            return network.tags
        }
    }

    /// Changes a resource's tags; a change bumps its revision and emits `tag.<op>.end`.
    public mutating func changeTags(
        of resource: TaggedResource, id: String, _ change: TagChange, by identity: Identity
    ) throws(NeutronError) -> [String] {
        var tags: [String]
        var project: String
        switch resource {
        case .port:
            let port: Port
            do { port = try visiblePort(id, identity) } catch { throw Self.taggedResourceNotFound(resource, id) }
            guard
                AccessPolicy.canWritePort(
                    project: port.projectID, networkProject: network(port.networkID)?.projectID, identity)
            else { throw .policyNotAuthorized(["rule:update_ports_tags"]) }
            tags = port.tags
            project = port.projectID
        case .network:
            guard let network = network(id), AccessPolicy.canSee(network, identity) else {
                throw Self.taggedResourceNotFound(resource, id)
            }
            guard AccessPolicy.canWriteNetwork(project: network.projectID, identity) else {
                throw .policyNotAuthorized(["rule:update_networks_tags"])
            }
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
        switch resource {
        case .port:
            var port = port(id)!
            if port.tags != tags {
                port.tags = tags
                port.revisionNumber += 1
                port.updatedAt = now
                put(port)
            }
        case .network:
            var network = network(id)!
            if network.tags != tags {
                network.tags = tags
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
            payload: Self.object(payload), by: identity)
        return tags
    }

    static func taggedResourceNotFound(_ resource: TaggedResource, _ id: String) -> NeutronError {
        NeutronError(
            status: 404, type: "NotFound", message: "Resource \(resource.singular) \(id) could not be found.")
    }

    public static func unique(_ tags: [String]) -> [String] {
        var seen = Set<String>()
        return tags.filter { seen.insert($0).inserted }
    }
}
