/// Where an ovsdb-server listens, in Open vSwitch's own notation: `tcp:HOST:PORT` or `unix:PATH`.
///
/// IPv6 hosts are bracketed, as ovs-vsctl writes them: `tcp:[::1]:6640`.
///
/// ```swift
/// let local = try OVSDBEndpoint("unix:/run/openvswitch/db.sock")
/// let remote = try OVSDBEndpoint("tcp:192.0.2.10:6640")
/// ```
public enum OVSDBEndpoint: Sendable, Hashable, CustomStringConvertible {
    case tcp(host: String, port: Int)
    case unix(path: String)

    /// Parses an endpoint string.
    ///
    /// - Throws: ``OVSDBError`` with ``OVSDBError/Code/invalidEndpoint``, naming what is wrong.
    public init(_ text: String) throws(OVSDBError) {
        func invalid(_ why: String) -> OVSDBError {
            OVSDBError(code: .invalidEndpoint, message: "OVSDB endpoint \"\(text)\": \(why)")
        }
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst("unix:".count))
            guard !path.isEmpty else { throw invalid("the unix socket path is empty") }
            self = .unix(path: path)
            return
        }
        guard text.hasPrefix("tcp:") else {
            if text.hasPrefix("ssl:") { throw invalid("ssl: is not supported; use tcp:HOST:PORT or unix:PATH") }
            throw invalid("expected tcp:HOST:PORT or unix:PATH")
        }
        let rest = text.dropFirst("tcp:".count)
        let host: Substring
        let portText: Substring
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw invalid("an IPv6 address lacks its closing ]") }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let afterHost = rest[rest.index(after: close)...]
            guard afterHost.hasPrefix(":") else { throw invalid("the port is missing (tcp:[ADDRESS]:PORT)") }
            portText = afterHost.dropFirst()
        } else {
            guard let colon = rest.lastIndex(of: ":") else { throw invalid("the port is missing (tcp:HOST:PORT)") }
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
            guard !host.contains(":") else { throw invalid("an IPv6 address must be bracketed: tcp:[ADDRESS]:PORT") }
        }
        guard !host.isEmpty else { throw invalid("the host is empty") }
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw invalid("the port \"\(portText)\" is not a number from 1 to 65535")
        }
        self = .tcp(host: String(host), port: port)
    }

    public var description: String {
        switch self {
        case .tcp(let host, let port): host.contains(":") ? "tcp:[\(host)]:\(port)" : "tcp:\(host):\(port)"
        case .unix(let path): "unix:\(path)"
        }
    }
}
