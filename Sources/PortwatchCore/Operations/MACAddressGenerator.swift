/// Generates port MAC addresses under Neutron's default `base_mac` `fa:16:3e:00:00:00`.
public enum MACAddressGenerator {
    /// A random `fa:16:3e:xx:xx:xx` address.
    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> String {
        let bytes = (0..<3).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return "fa:16:3e:"
            + bytes.map { byte in
                let hex = String(byte, radix: 16)
                return hex.count == 1 ? "0" + hex : hex
            }.joined(separator: ":")
    }

    /// A random address not yet used on the network, or MacAddressGenerationFailure after 16 tries.
    public static func unused(in changes: ChangeSet, networkID: String) throws(NeutronError) -> String {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<16 {
            let candidate = random(using: &generator)
            if !changes.isMACInUse(candidate, inNetwork: networkID) { return candidate }
        }
        throw NeutronError(
            status: 503, type: "MacAddressGenerationFailure",
            message: "Unable to generate unique mac on network \(networkID).")
    }
}
