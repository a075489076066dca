import PortwatchCore
import Testing

/// Prefixes read and written as netaddr's `IPNetwork` does (security group rules' `remote_ip_prefix`).
struct IPPrefixTests {
    @Test(arguments: [
        ("192.168.1.1", "192.168.1.1/32", "192.168.1.1/32", 4),
        ("10.0.0.5/24", "10.0.0.5/24", "10.0.0.0/24", 4),
        ("0.0.0.0/0", "0.0.0.0/0", "0.0.0.0/0", 4),
        ("2001:DB8::1/64", "2001:db8::1/64", "2001:db8::/64", 6),
        ("::/0", "::/0", "::/0", 6),
        ("10.1.2.3/13", "10.1.2.3/13", "10.0.0.0/13", 4),
    ])
    func readsAndWritesAsNetaddr(input: String, text: String, network: String, version: Int) throws {
        let prefix = try #require(IPPrefix(input))
        #expect(prefix.text == text)
        #expect(prefix.network == network)
        #expect(prefix.version == version)
    }

    @Test(arguments: ["x", "10.0.0.1/33", "10.0.0.256", "::1/129", "10.0.0.1/", "", "10.0.0.1/a"])
    func refusesWhatIsNoNetwork(input: String) {
        #expect(IPPrefix(input) == nil)
    }
}
