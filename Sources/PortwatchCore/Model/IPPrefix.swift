import Foundation

/// An IP network as netaddr's `IPNetwork` reads and writes it: `192.168.1.1` is `192.168.1.1/32`, the
/// host bits stay in its text, and ``network`` is the prefix with them cleared (`normalized_cidr`).
public struct IPPrefix: Sendable, Hashable {
    /// 4 or 6.
    public let version: Int
    /// The address and prefix length as netaddr writes them: `10.0.0.5/24`, `::/0`.
    public let text: String
    /// The network: `10.0.0.0/24`.
    public let network: String

    /// Parses `address[/length]`; nil when it is not an IPv4 or IPv6 network.
    public init?(_ input: String) {
        let parts = input.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let isV6 = parts[0].contains(":")
        var bytes = [UInt8](repeating: 0, count: isV6 ? 16 : 4)
        guard inet_pton(isV6 ? AF_INET6 : AF_INET, parts[0], &bytes) == 1 else { return nil }
        let bits = bytes.count * 8
        var length = bits
        if parts.count == 2 {
            guard let value = Int(parts[1]), (0...bits).contains(value), parts[1].allSatisfy(\.isASCII) else {
                return nil
            }
            length = value
        }
        version = isV6 ? 6 : 4
        let address = Self.format(bytes)
        var masked = bytes
        for index in masked.indices {
            let keep = max(0, min(8, length - index * 8))
            masked[index] &= keep == 8 ? 0xFF : UInt8(truncatingIfNeeded: 0xFF << (8 - keep))
        }
        text = "\(address)/\(length)"
        network = "\(Self.format(masked))/\(length)"
    }

    /// Whether this is every address of its version (`0.0.0.0/0`, `::/0`).
    public var isAnyAddress: Bool { text == "0.0.0.0/0" || text == "::/0" }

    private static func format(_ bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        _ = inet_ntop(bytes.count == 16 ? AF_INET6 : AF_INET, bytes, &buffer, socklen_t(buffer.count))
        return String(cString: buffer)
    }
}
