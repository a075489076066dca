extension PortAttachment {
    /// Creates an attachment from a port's `binding:host_id`, its network's segment and its
    /// `binding:profile`.
    ///
    /// Reads `local_link_information` (a list of `{switch_id, port_id, switch_info}`; entries
    /// without `switch_id` or `port_id` are skipped; numeric ids are accepted as text) and
    /// `local_group_information` (`{id, name, bond_mode}`). Other profile keys are ignored.
    ///
    /// ```swift
    /// let attachment = PortAttachment(
    ///     portID: port.id, hostID: port.bindingHostID,
    ///     segment: NetworkSegment(networkType: network.networkType, physicalNetwork: network.physicalNetwork),
    ///     bindingProfile: port.bindingProfile)
    /// ```
    public init(
        portID: String, hostID: String, segment: NetworkSegment, bindingProfile: [String: JSONValue],
        vnicType: String = "normal"
    ) {
        let entries = bindingProfile["local_link_information"]?.arrayValue ?? []
        let links = entries.compactMap { entry -> LocalLink? in
            let fields = entry.objectValue ?? [:]
            guard let switchID = Self.text(fields["switch_id"]), let portID = Self.text(fields["port_id"]) else {
                return nil
            }
            return LocalLink(switchID: switchID, portID: portID, switchInfo: Self.text(fields["switch_info"]))
        }
        let group = bindingProfile["local_group_information"]?.objectValue.map { fields in
            LocalGroup(
                id: Self.text(fields["id"]), name: Self.text(fields["name"]), bondMode: Self.text(fields["bond_mode"]))
        }
        self.init(
            portID: portID, hostID: hostID, segment: segment, localLinks: links, localGroup: group, vnicType: vnicType)
    }

    /// A scalar as text: strings as they are, integers printed (clients sometimes send a switch
    /// port number as a JSON number).
    private static func text(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text)?: text
        case .int(let number)?: String(number)
        default: nil
        }
    }
}
