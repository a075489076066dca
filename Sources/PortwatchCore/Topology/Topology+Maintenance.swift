extension Topology {
    /// The switches and hosts whose maintenance covers `resource`.
    ///
    /// A switch or host covers itself; a switch covers its ports; a host covers its NICs and
    /// bonds; a link is covered by the switch or host at either end.
    public func maintenanceScopes(of resource: PhysicalResourceRef) -> [PhysicalResourceRef] {
        switch resource.kind {
        case .switch, .host:
            return [resource]
        case .vswitch:
            return [.host(resource.id)]
        case .vif:
            // The port's host, which only the engine knows.
            return []
        case .switchPort:
            return switchPortsByID[resource.id].map { [.switch($0.switchID)] } ?? []
        case .hostNIC:
            return nicsByID[resource.id].map { [.host($0.hostID)] } ?? []
        case .bond:
            return bondsByID[resource.id].map { [.host($0.hostID)] } ?? []
        case .link:
            guard let link = linksByID[resource.id] else { return [] }
            return [link.a, link.b].map { endpoint in
                switch endpoint {
                case .switchPort(_, let switchID): .switch(switchID)
                case .hostNIC(_, let hostID): .host(hostID)
                }
            }
        }
    }
}
