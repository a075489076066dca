import AsyncHTTPClient
import Foundation
import KeystoneAuth
import NIOCore
import NIOHTTP1

/// A client of a running Portwatch's API, for the admin CLI (`portwatch fault|maintenance|topology|port`).
///
/// ```swift
/// let client = try await PortwatchClient.connect(ClientOptions(url: "http://127.0.0.1:9696"))
/// let faults = try await client.get("/v2.0/data-plane-faults")
/// ```
public struct PortwatchClient: Sendable {
    /// Where the API is, e.g. `http://127.0.0.1:9696`, without a trailing slash.
    public let baseURL: String
    /// Sent with every request: `X-Auth-Token`, or a proxy's identity headers.
    public let headers: [(String, String)]
    let httpClient: HTTPClient
    /// The most one request may take.
    let timeout: TimeAmount

    public init(
        baseURL: String, headers: [(String, String)] = [], httpClient: HTTPClient = PortwatchClient.failFast,
        timeout: Duration = .seconds(60)
    ) {
        var url = baseURL
        while url.hasSuffix("/") { url.removeLast() }
        self.baseURL = url
        self.headers = headers
        self.httpClient = httpClient
        let (seconds, attoseconds) = timeout.components
        self.timeout = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// A client for `options`: with Keystone credentials (`--os-cloud`, or `OS_PASSWORD` with
    /// `OS_AUTH_URL`) it obtains a token and, unless a URL is given, takes the `network` endpoint
    /// from the catalog, as the `openstack` CLI does.
    public static func connect(_ options: ClientOptions, httpClient: HTTPClient = failFast) async throws(ClientError)
        -> PortwatchClient
    {
        var headers = options.headers
        var url = options.url
        if let token = options.token {
            headers.append(("X-Auth-Token", token))
        } else if let keystone = try options.keystoneSettings() {
            let issued: KeystoneClient.IssuedToken
            do {
                issued = try await KeystoneClient(settings: keystone.settings, httpClient: httpClient).issueServiceToken()
            } catch {
                throw ClientError(message: "Keystone at \(keystone.settings.authURL): \(error.message)")
            }
            headers.append(("X-Auth-Token", issued.token))
            if url == nil {
                url = issued.catalog.url(type: "network", interface: keystone.interface, region: keystone.region)
                if url == nil {
                    throw ClientError(
                        message:
                            "the Keystone catalog has no \(keystone.interface) network endpoint\(keystone.region.map { " in \($0)" } ?? ""); give --url"
                    )
                }
            }
        }
        return PortwatchClient(baseURL: url ?? "http://127.0.0.1:9696", headers: headers, httpClient: httpClient)
    }

    /// An HTTP client that reports a refused connection at once rather than retrying it until the
    /// request's deadline (AsyncHTTPClient's default): the CLI should say "cannot reach" now, and
    /// the agent retries on its own schedule. One for the process, never shut down.
    public static let failFast: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(5)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// The methods the CLI uses.
    public enum Method: String, Sendable {
        case get = "GET", post = "POST", put = "PUT", delete = "DELETE"
    }

    /// `GET path`, its JSON.
    public func get(_ path: String) async throws(ClientError) -> Any {
        try await send(.get, path)
    }

    /// Sends a request with an optional JSON (or raw) body; returns the answer's JSON (`NSNull`
    /// when it has none) or throws with Neutron's error message.
    public func send(
        _ method: Method, _ path: String, json: Any? = nil, raw: (bytes: [UInt8], contentType: String)? = nil
    ) async throws(ClientError) -> Any {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = HTTPMethod(rawValue: method.rawValue)
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "portwatch-cli")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let raw {
            request.headers.add(name: "Content-Type", value: raw.contentType)
            request.body = .bytes(ByteBuffer(bytes: raw.bytes))
        } else if let json {
            guard let data = try? JSONSerialization.data(withJSONObject: json) else {
                throw ClientError(message: "cannot encode the request")
            }
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: Array(data)))
        }
        let status: Int
        let bytes: [UInt8]
        do {
            let response = try await httpClient.execute(request, timeout: timeout)
            status = Int(response.status.code)
            bytes = Array(buffer: try await response.body.collect(upTo: 256 * 1024 * 1024))
        } catch {
            throw ClientError(message: "cannot reach Portwatch at \(baseURL): \(error)")
        }
        let value = bytes.isEmpty ? NSNull() : (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]))
        guard (200..<300).contains(status) else {
            throw ClientError(status: status, message: Self.errorMessage(value, bytes: bytes, status: status))
        }
        return value ?? NSNull()
    }

    /// Neutron's `NeutronError` (type and message), keystonemiddleware's `error`, or the body.
    static func errorMessage(_ value: Any?, bytes: [UInt8], status: Int) -> String {
        let object = value as? [String: Any]
        if let neutron = object?["NeutronError"] as? [String: Any] {
            let type = neutron["type"] as? String ?? "error"
            return "HTTP \(status) \(type): \(neutron["message"] as? String ?? "")"
        }
        if let error = object?["error"] as? [String: Any] {
            return "HTTP \(status): \(error["message"] as? String ?? "")"
        }
        let text = String(decoding: bytes.prefix(500), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return "HTTP \(status)" + (text.isEmpty ? "" : ": \(text)")
    }
}

/// Why a CLI call failed: Portwatch's answer (with its status) or no answer at all.
public struct ClientError: Error, Sendable, CustomStringConvertible {
    public var status: Int?
    public var message: String

    public init(status: Int? = nil, message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { message }
}
