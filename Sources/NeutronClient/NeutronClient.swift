import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import PortwatchCore

/// The Neutron v2.0 calls bridge mode makes: paginated reads of ports, networks and agents, and
/// `PUT /v2.0/ports/{id}` of `data_plane_status`. Failures come back as ``NeutronClientError``
/// values; a 401 makes the client drop its token and try once more with a fresh one.
///
/// ```swift
/// let neutron = NeutronClient(authenticator: auth, httpClient: .shared, logger: logger)
/// let ports = try await neutron.ports().get()
/// _ = await neutron.setDataPlaneStatus(portID: ports[0].id, to: .down)
/// ```
public struct NeutronClient: Sendable {
    let authenticator: any NeutronAuthenticator
    let httpClient: HTTPClient
    let logger: Logger
    /// The most one request may take.
    public var requestTimeout: Duration
    /// Items asked for per page (`limit`); Neutron answers with `*_links` while more follow.
    public var pageSize: Int

    public init(
        authenticator: any NeutronAuthenticator, httpClient: HTTPClient, requestTimeout: Duration = .seconds(30),
        pageSize: Int = 500, logger: Logger
    ) {
        self.authenticator = authenticator
        self.httpClient = httpClient
        self.requestTimeout = requestTimeout
        self.pageSize = max(1, pageSize)
        self.logger = logger
    }

    /// Every port, with the fields of ``NeutronPort/fields``.
    public func ports() async -> Result<[NeutronPort], NeutronClientError> {
        await list("ports", fields: NeutronPort.fields, NeutronPort.init(json:))
    }

    /// Every network, with the fields of ``NeutronNetwork/fields``.
    public func networks() async -> Result<[NeutronNetwork], NeutronClientError> {
        await list("networks", fields: NeutronNetwork.fields, NeutronNetwork.init(json:))
    }

    /// Every agent (an empty list from a Neutron that runs none).
    public func agents() async -> Result<[NeutronAgent], NeutronClientError> {
        await list("agents", fields: [], NeutronAgent.init(json:))
    }

    /// `PUT /v2.0/ports/{id}` `{"port": {"data_plane_status": value}}` (nil writes `null`); the port
    /// as Neutron answers it.
    public func setDataPlaneStatus(portID: String, to value: DataPlaneStatus?) async -> Result<
        NeutronPort, NeutronClientError
    > {
        let body = #"{"port": {"data_plane_status": "# + (value.map { #""\#($0.rawValue)""# } ?? "null") + "}}"
        let path = "/v2.0/ports/" + Self.encode(portID)
        switch await send(.PUT, path: path, body: Array(body.utf8)) {
        case .failure(let error):
            return .failure(error)
        case .success(let json):
            guard let port = json.objectValue?["port"].flatMap(NeutronPort.init(json:)) else {
                return .failure(NeutronClientError(.malformedResponse, "PUT \(path) answered without a port"))
            }
            return .success(port)
        }
    }

    /// Whether Neutron answers `GET /v2.0/networks?limit=1` (for readiness).
    public func probe() async -> Result<Void, NeutronClientError> {
        await send(.GET, path: "/v2.0/networks?limit=1&fields=id", body: nil).map { _ in () }
    }

    // MARK: Paging

    /// Follows `<collection>_links` rel `next` by its `marker` until a page comes without one.
    func list<Item>(
        _ collection: String, fields: [String], _ decode: (JSONValue) -> Item?
    ) async -> Result<[Item], NeutronClientError> {
        var items: [Item] = []
        var marker: String?
        var pages = 0
        repeat {
            var query = fields.map { "fields=" + Self.encode($0) }
            query.append("limit=\(pageSize)")
            if let marker { query.append("marker=" + Self.encode(marker)) }
            let path = "/v2.0/\(collection)?" + query.joined(separator: "&")
            let json: JSONValue
            switch await send(.GET, path: path, body: nil) {
            case .failure(let error): return .failure(error)
            case .success(let value): json = value
            }
            guard let page = json.objectValue?[collection]?.arrayValue else {
                return .failure(NeutronClientError(.malformedResponse, "GET \(path) answered without \(collection)"))
            }
            items += page.compactMap(decode)
            let next = Self.nextMarker(json.objectValue?[collection + "_links"])
            // A page that repeats its marker would loop forever: stop instead.
            guard next != marker else { break }
            marker = page.isEmpty ? nil : next
            pages += 1
        } while marker != nil && pages < 100_000
        return .success(items)
    }

    /// The `marker` of the `next` link of a `*_links` list, if there is one.
    static func nextMarker(_ links: JSONValue?) -> String? {
        for link in links?.arrayValue ?? [] {
            guard let object = link.objectValue, object["rel"]?.stringValue == "next",
                let href = object["href"]?.stringValue, let components = URLComponents(string: href)
            else { continue }
            return components.queryItems?.first { $0.name == "marker" }?.value
        }
        return nil
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~:")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// `url` without trailing slashes or a trailing `/v2.0` (the client adds it).
    public static func trimmed(_ url: String) -> String {
        var url = url
        while url.hasSuffix("/") { url.removeLast() }
        if url.hasSuffix("/v2.0") { url.removeLast("/v2.0".count) }
        return url
    }

    // MARK: Requests

    /// One request, with one retry under a fresh token after a 401.
    func send(_ method: HTTPMethod, path: String, body: [UInt8]?) async -> Result<JSONValue, NeutronClientError> {
        var attempt = 0
        while true {
            attempt += 1
            let credentials: (endpoint: String, token: String?)
            switch await authenticator.credentials() {
            case .failure(let error): return .failure(error)
            case .success(let value): credentials = value
            }
            var request = HTTPClientRequest(url: credentials.endpoint + path)
            request.method = method
            request.headers.add(name: "Accept", value: "application/json")
            request.headers.add(name: "User-Agent", value: "portwatch-bridge")
            if let token = credentials.token { request.headers.add(name: "X-Auth-Token", value: token) }
            if let body {
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(bytes: body))
            }
            let status: Int
            let bytes: [UInt8]
            do {
                let response = try await httpClient.execute(request, timeout: Self.timeAmount(requestTimeout))
                let collected = try await response.body.collect(upTo: 256 << 20)
                status = Int(response.status.code)
                bytes = Array(collected.readableBytesView)
            } catch {
                return .failure(NeutronClientError(.unavailable, "\(method) \(path): \(error)"))
            }
            switch status {
            case 200..<300:
                guard let json = try? JSONValue.parse(bytes) else {
                    return .failure(NeutronClientError(.malformedResponse, status: status, "\(method) \(path)"))
                }
                return .success(json)
            case 401:
                if let token = credentials.token { authenticator.invalidate(token: token) }
                if attempt < 2 { continue }
                return .failure(NeutronClientError(.unauthorized, status: status, "\(method) \(path)"))
            case 404:
                return .failure(NeutronClientError(.notFound, status: status, Self.message(bytes)))
            case 500...:
                return .failure(NeutronClientError(.serverError, status: status, Self.message(bytes)))
            default:
                return .failure(NeutronClientError(.rejected, status: status, Self.message(bytes)))
            }
        }
    }

    /// Neutron's error message (`NeutronError.message`), else the start of the body.
    static func message(_ bytes: [UInt8]) -> String {
        if let json = try? JSONValue.parse(bytes),
            let message = json.objectValue?["NeutronError"]?.objectValue?["message"]?.stringValue
        {
            return message
        }
        return String(decoding: bytes.prefix(200), as: UTF8.self)
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        .nanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }
}
