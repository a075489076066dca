import Foundation
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where webhooks may send: by default only to public addresses. Loopback, link-local (the cloud
/// metadata service 169.254.169.254 among them), private, shared (CGNAT), multicast and unspecified
/// addresses are refused unless the operator allows them with `--webhook-allow CIDR|host`.
///
/// A tenant creates webhooks, so a webhook URL is a request Portwatch makes on a tenant's behalf
/// from inside the control plane. Every address a host name resolves to must be allowed; the check
/// runs when the webhook is created and again before every delivery, before any connection is
/// attempted, and plain `http://` deliveries connect to the address that was checked (no second
/// resolution in between). For `https://` the HTTP client resolves the name again to verify the
/// certificate against it: an attacker who controls the name's DNS could swap the address between
/// the two resolutions (a rebinding window this policy narrows but cannot close).
public struct WebhookDestinationPolicy: Sendable {
    /// An allowed network: an address and a prefix length.
    struct Network: Sendable, Hashable {
        var address: [UInt8]
        var prefix: Int

        func contains(_ other: [UInt8]) -> Bool {
            guard other.count == address.count else { return false }
            var remaining = prefix
            for (a, b) in zip(address, other) {
                if remaining <= 0 { return true }
                let bits = min(8, remaining)
                let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
                if a & mask != b & mask { return false }
                remaining -= bits
            }
            return true
        }
    }

    /// Why a destination was refused.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// An accepted destination: the URL to request and, for pinned deliveries, the `Host` header.
    public struct Destination: Sendable, Hashable {
        public var url: String
        public var hostHeader: String?
    }

    let networks: [Network]
    let hosts: Set<String>

    /// The default policy: public addresses only.
    public static let publicOnly = WebhookDestinationPolicy(networks: [], hosts: [])

    init(networks: [Network], hosts: Set<String>) {
        self.networks = networks
        self.hosts = hosts
    }

    /// A policy that also allows `entries`: CIDRs (`127.0.0.0/8`, `fd00::/8`), single addresses, or
    /// host names (matched exactly, case-insensitively, before resolution).
    ///
    /// - Throws: ``Refusal`` naming an entry that is none of these.
    public init(allowing entries: [String]) throws {
        var networks: [Network] = []
        var hosts: Set<String> = []
        for raw in entries.map({ $0.trimmingCharacters(in: .whitespaces) }) where !raw.isEmpty {
            let parts = raw.split(separator: "/", maxSplits: 1).map(String.init)
            if let address = Self.parseAddress(parts[0]) {
                let maxPrefix = address.count * 8
                var prefix = maxPrefix
                if parts.count == 2 {
                    guard let value = Int(parts[1]), (0...maxPrefix).contains(value) else {
                        throw Refusal(description: "--webhook-allow \(raw): the prefix length must be 0-\(maxPrefix)")
                    }
                    prefix = value
                }
                networks.append(Network(address: address, prefix: prefix))
            } else if parts.count == 1, Self.isHostName(raw) {
                hosts.insert(raw.lowercased())
            } else {
                throw Refusal(description: "--webhook-allow \(raw): not a CIDR, an address or a host name")
            }
        }
        self.init(networks: networks, hosts: hosts)
    }

    /// Checks `url` (resolving its host) and returns where to send; throws ``Refusal`` otherwise.
    public func destination(for url: String) async throws -> Destination {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else { throw Refusal(description: "not an http:// or https:// URL") }
        let name = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if hosts.contains(name.lowercased()) { return Destination(url: url, hostHeader: nil) }
        let addresses: [[UInt8]]
        if let literal = Self.parseAddress(name) {
            addresses = [literal]
        } else {
            addresses = try await Self.resolve(name)
        }
        guard !addresses.isEmpty else { throw Refusal(description: "\(name) does not resolve") }
        for address in addresses {
            if let reason = refusal(of: address) {
                throw Refusal(
                    description:
                        "\(name) resolves to \(Self.format(address)), \(reason); an operator can allow it with --webhook-allow"
                )
            }
        }
        guard scheme == "http", Self.parseAddress(name) == nil else { return Destination(url: url, hostHeader: nil) }
        // Pin plain HTTP to the checked address.
        let literal = Self.format(addresses[0])
        var pinned = "http://" + (addresses[0].count == 16 ? "[\(literal)]" : literal)
        if let port = components.port { pinned += ":\(port)" }
        pinned += components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        if let query = components.percentEncodedQuery { pinned += "?" + query }
        let hostHeader = components.port.map { "\(host):\($0)" } ?? host
        return Destination(url: pinned, hostHeader: hostHeader)
    }

    /// Why `address` is refused, or nil when it may be used.
    func refusal(of address: [UInt8]) -> String? {
        if networks.contains(where: { $0.contains(address) }) { return nil }
        return Self.specialPurpose(address)
    }

    /// The kind of special-purpose address `address` is, or nil for a public one.
    static func specialPurpose(_ address: [UInt8]) -> String? {
        if address.count == 16 {
            if address[0..<10].allSatisfy({ $0 == 0 }), address[10] == 0xFF, address[11] == 0xFF {
                return specialPurpose(Array(address[12...]))  // IPv4-mapped
            }
            if address.allSatisfy({ $0 == 0 }) { return "an unspecified address" }
            if address[0..<15].allSatisfy({ $0 == 0 }), address[15] == 1 { return "a loopback address" }
            if address[0] == 0xFE, address[1] & 0xC0 == 0x80 { return "a link-local address" }
            if address[0] & 0xFE == 0xFC { return "a unique local (private) address" }
            if address[0] == 0xFF { return "a multicast address" }
            return nil
        }
        guard address.count == 4 else { return "not an IP address" }
        switch (address[0], address[1]) {
        case (0, _): return "an unspecified address"
        case (127, _): return "a loopback address"
        case (10, _): return "a private address"
        case (172, 16...31): return "a private address"
        case (192, 168): return "a private address"
        case (169, 254): return "a link-local address (the metadata service among them)"
        case (100, 64...127): return "a shared (CGNAT) address"
        case (224...239, _): return "a multicast address"
        case (240...255, _): return "a reserved or broadcast address"
        default: return nil
        }
    }

    static func parseAddress(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    static func format(_ address: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = address.count == 4 ? AF_INET : AF_INET6
        let ok = address.withUnsafeBytes { bytes in
            inet_ntop(family, bytes.baseAddress, &buffer, socklen_t(buffer.count)) != nil
        }
        guard ok else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func isHostName(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 253
            && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }
    }

    /// Every address `name` resolves to (getaddrinfo on NIO's blocking-I/O pool).
    static func resolve(_ name: String) async throws -> [[UInt8]] {
        try await NIOThreadPool.singleton.runIfActive {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var result: UnsafeMutablePointer<addrinfo>?
            let status = getaddrinfo(name, nil, &hints, &result)
            guard status == 0, let first = result else {
                throw Refusal(description: "\(name) does not resolve")
            }
            defer { freeaddrinfo(first) }
            var addresses: [[UInt8]] = []
            var cursor: UnsafeMutablePointer<addrinfo>? = first
            while let entry = cursor {
                if let socketAddress = entry.pointee.ai_addr {
                    switch Int32(entry.pointee.ai_family) {
                    case AF_INET:
                        var address = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                            $0.pointee.sin_addr
                        }
                        addresses.append(withUnsafeBytes(of: &address) { Array($0) })
                    case AF_INET6:
                        var address = socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                            $0.pointee.sin6_addr
                        }
                        addresses.append(withUnsafeBytes(of: &address) { Array($0) })
                    default: break
                    }
                }
                cursor = entry.pointee.ai_next
            }
            return addresses
        }
    }
}
