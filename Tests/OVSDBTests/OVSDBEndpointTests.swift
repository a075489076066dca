import OVSDB
import Testing

struct OVSDBEndpointTests {
    @Test func parsesTCPAndUnixEndpoints() throws {
        #expect(try OVSDBEndpoint("tcp:127.0.0.1:6640") == .tcp(host: "127.0.0.1", port: 6640))
        #expect(try OVSDBEndpoint("tcp:[::1]:6640") == .tcp(host: "::1", port: 6640))
        #expect(try OVSDBEndpoint("tcp:ovs.example:6641") == .tcp(host: "ovs.example", port: 6641))
        #expect(try OVSDBEndpoint("unix:/run/openvswitch/db.sock") == .unix(path: "/run/openvswitch/db.sock"))
        #expect(try OVSDBEndpoint("tcp:[::1]:6640").description == "tcp:[::1]:6640")
    }

    @Test(arguments: [
        "", "tcp:", "tcp:host", "tcp::6640", "tcp:host:0", "tcp:host:65536", "tcp:host:port", "tcp:::1:6640",
        "tcp:[::1:6640", "tcp:[::1]", "unix:", "ssl:host:6640", "ptcp:6640", "/run/openvswitch/db.sock",
    ])
    func rejectsMalformedEndpoints(text: String) {
        #expect {
            try OVSDBEndpoint(text)
        } throws: { error in
            (error as? OVSDBError)?.code == .invalidEndpoint && "\(error)".contains("\"\(text)\"")
        }
    }
}
