/// Makes the ports loaded from a store share one copy of the attribute values they have in common.
///
/// Ports decoded one by one each own their strings and dictionaries, although most of them repeat:
/// thousands of ports name the same network, project, subnet and security groups and carry one of a
/// handful of `binding:vif_details`. A string longer than 15 bytes and every non-empty dictionary or
/// array is a heap allocation of its own, so with 100,000 ports the repeats cost about 60 MB. Passing
/// each decoded port through one `PortStorageSharing` replaces every repeated value with the first
/// equal instance seen; the values are equal before and after, only their storage is shared
/// (copy on write keeps later changes to one port from reaching the others).
///
/// Values unique to a port (its id, MAC address, addresses) are left alone: sharing them gains nothing.
public struct PortStorageSharing {
    private var strings: Set<String> = []
    private var stringLists: Set<[String]> = []
    private var dictionaries: Set<[String: JSONValue]> = []

    public init() {}

    /// Replaces `port`'s repeated attribute values with the instances already seen, and remembers
    /// the ones not seen yet.
    public mutating func share(_ port: inout Port) {
        port.withFields { fields in
            fields.networkID = shared(fields.networkID)
            fields.projectID = shared(fields.projectID)
            fields.bindingHostID = shared(fields.bindingHostID)
            fields.deviceOwner = shared(fields.deviceOwner)
            if !fields.securityGroups.isEmpty {
                fields.securityGroups = stringLists.insert(fields.securityGroups.map { shared($0) }).memberAfterInsert
            }
            for index in fields.fixedIPs.indices {
                if let subnet = fields.fixedIPs[index].subnetID {
                    fields.fixedIPs[index].subnetID = shared(subnet)
                }
            }
            if !fields.bindingVifDetails.isEmpty {
                fields.bindingVifDetails = dictionaries.insert(fields.bindingVifDetails).memberAfterInsert
            }
            if !fields.bindingProfile.isEmpty {
                fields.bindingProfile = dictionaries.insert(fields.bindingProfile).memberAfterInsert
            }
        }
    }

    private mutating func shared(_ value: String) -> String {
        // Strings of up to 15 UTF-8 bytes are stored inline: nothing to share.
        value.utf8.count <= 15 ? value : strings.insert(value).memberAfterInsert
    }
}
