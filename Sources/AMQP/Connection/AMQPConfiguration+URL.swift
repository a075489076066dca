import NIOCore

extension AMQPConfiguration {
    /// Parses an `amqp://user:pass@host:port/vhost?heartbeat=N` URL.
    ///
    /// User, password and virtual host are percent-decoded (`%2F` is `/`). Missing parts take the
    /// defaults: port 5672, user and password `guest`, virtual host `/` when the path is empty or
    /// just `/`. Query parameters: `heartbeat` (seconds), `frame_max`, `channel_max`,
    /// `connection_timeout` (milliseconds) and `connection_name`. `amqps` (TLS) is not supported.
    ///
    /// - Throws: ``AMQPError`` with code ``AMQPError/Code/invalidURL``.
    public init(url: String) throws {
        self.init()
        let lowered = url.lowercased()
        guard lowered.hasPrefix("amqp://") else {
            let reason = lowered.hasPrefix("amqps://") ? "amqps (TLS) is not supported" : "scheme must be amqp://"
            throw AMQPError(code: .invalidURL, message: "\(reason): \(Self.redacted(url))")
        }
        var rest = Substring(url.dropFirst("amqp://".count))
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        var hostPort = rest
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            hostPort = rest[rest.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                username = try Self.percentDecoded(userInfo[..<colon])
                password = try Self.percentDecoded(userInfo[userInfo.index(after: colon)...])
            } else {
                username = try Self.percentDecoded(userInfo)
            }
        }
        try parseHostPort(hostPort, url: url)
        if !path.isEmpty {
            guard !path.contains("/") else {
                throw AMQPError(
                    code: .invalidURL, message: "virtual host must be one path segment (use %2F): \(Self.redacted(url))"
                )
            }
            virtualHost = try Self.percentDecoded(path)
        }
        try parseQuery(query, url: url)
    }

    private mutating func parseHostPort(_ hostPort: Substring, url: String) throws {
        var portText: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else {
                throw AMQPError(code: .invalidURL, message: "unterminated IPv6 address: \(Self.redacted(url))")
            }
            host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            let after = hostPort[hostPort.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() }
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = String(hostPort[..<colon])
            portText = hostPort[hostPort.index(after: colon)...]
        } else {
            host = String(hostPort)
        }
        if host.isEmpty { host = "localhost" }
        if let portText, !portText.isEmpty {
            guard let port = Int(portText), (1...65535).contains(port) else {
                throw AMQPError(code: .invalidURL, message: "invalid port '\(portText)': \(Self.redacted(url))")
            }
            self.port = port
        }
    }

    private mutating func parseQuery(_ query: Substring, url: String) throws {
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = try Self.percentDecoded(parts[0])
            let value = parts.count > 1 ? try Self.percentDecoded(parts[1]) : ""
            func number<T: FixedWidthInteger>(_: T.Type) throws -> T {
                guard let number = T(value) else {
                    throw AMQPError(code: .invalidURL, message: "invalid \(key) '\(value)': \(Self.redacted(url))")
                }
                return number
            }
            switch key {
            case "heartbeat": heartbeat = try number(UInt16.self)
            case "frame_max": frameMax = try number(UInt32.self)
            case "channel_max": channelMax = try number(UInt16.self)
            case "connection_timeout": connectTimeout = .milliseconds(Int64(try number(UInt32.self)))
            case "connection_name": connectionName = value
            default: break  // Unknown options (e.g. TLS ones) are ignored, as other clients do.
            }
        }
    }

    private static func percentDecoded(_ text: Substring) throws -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                throw AMQPError(code: .invalidURL, message: "invalid percent-encoding in '\(text)'")
            }
            bytes.append(high << 4 | low)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The URL with any password replaced, so that errors can quote it.
    private static func redacted(_ url: String) -> String {
        guard let schemeEnd = url.firstRange(of: "://"), let at = url.lastIndex(of: "@"), at > schemeEnd.upperBound,
            let colon = url[schemeEnd.upperBound..<at].firstIndex(of: ":")
        else { return url }
        return String(url[..<url.index(after: colon)]) + "***" + String(url[at...])
    }
}
