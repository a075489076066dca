import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Metrics
import NIOCore
import NIOHTTP1
import PortwatchStore

/// The HTTP client of forwarded requests: up to ``forwardedConnectionsPerWriter`` connections to the
/// writer. AsyncHTTPClient's default keeps at most 8 to one host, so no more than 8 writes were on
/// their way to the writer at once, however many clients a follower served: the writer's batches
/// stayed small and the other writes queued in the follower.
public let forwardingClient: HTTPClient = {
    var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
    configuration.connectionPool = .init(
        idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: forwardedConnectionsPerWriter)
    return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
}()

/// How many forwarded requests a follower has on their way to the writer at once; more wait for one
/// of these connections.
public let forwardedConnectionsPerWriter = 64

/// Sends the writes a follower receives to the elected writer, and answers them once this replica
/// has applied the writer's commit (read-your-writes on the replica that took the write).
///
/// Every request other than `GET`/`HEAD`/`OPTIONS` that reaches a follower goes to the writer's
/// advertised URL unchanged — path, query, body and every header, the caller's credentials included —
/// with ``forwardedHeader`` and ``secretHeader`` added. The writer checks the cluster secret, then
/// authenticates the caller and applies policy on the original headers as for any request: a
/// follower vouches for nothing. The writer's answer carries ``commitHeader``, the change-log sequence
/// of its newest commit when it answered (at or after the write's own); the follower waits until it
/// has applied that sequence (at most ``ClusterSettings/readYourWritesTimeout``) before it answers.
/// A read a follower refuses with 503 because it needed a write goes to the writer too.
/// A follower that has not read the database within ``ClusterSettings/readyStaleness`` refuses writes
/// (503) instead of forwarding them.
public struct WriteForwardingMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Marks a request forwarded by a replica (its value: the forwarding replica's name).
    public static var forwardedHeader: HTTPField.Name { HTTPField.Name("X-Portwatch-Forwarded-By")! }
    /// The cluster secret on a forwarded request.
    public static var secretHeader: HTTPField.Name { HTTPField.Name("X-Portwatch-Cluster-Secret")! }
    /// The writer's newest change-log sequence when it answered a forwarded request.
    public static var commitHeader: HTTPField.Name { HTTPField.Name("X-Portwatch-Commit")! }

    /// The largest body forwarded (the topology's limit, 32 MiB; the writer answers 413 past its own).
    static var maxBody: Int { (32 << 20) + 1 }

    let member: ClusterMember
    let httpClient: HTTPClient

    public init(member: ClusterMember, httpClient: HTTPClient) {
        self.member = member
        self.httpClient = httpClient
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if let from = request.headers[Self.forwardedHeader] {
            return try await answerForwarded(request, from: from, context: context, next: next)
        }
        let reading = [.get, .head, .options].contains(request.method)
        if reading { await catchUpCorrelation(for: request.uri.path) }
        guard member.repository.isFollowing, let writer = member.writerURL, writer != member.settings.advertiseURL
        else {
            return try await next(request, context)
        }
        if reading {
            // A read that needs a write (a project's first list of security groups creates its default
            // group) is refused by a follower's repository: the writer answers it instead.
            let response = try await next(request, context)
            guard response.status == .serviceUnavailable, member.repository.isFollowing, member.isReady,
                let secret = member.settings.secret
            else { return response }
            return try await forward(request, to: writer, secret: secret)
        }
        guard let secret = member.settings.secret else {
            return Self.error(503, "This replica is not the writer and cannot forward writes (no cluster secret).")
        }
        // Cut off from the database, this replica could not show the caller its own write: refuse it.
        guard member.isReady else {
            return Self.error(503, "This replica cannot reach the database; try another replica or again shortly.")
        }
        return try await forward(request, to: writer, secret: secret)
    }

    /// A request another replica forwarded: checked, handled here, and answered with the commit header.
    private func answerForwarded(
        _ request: Request, from: String, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let expected = member.settings.secret, let given = request.headers[Self.secretHeader],
            Self.constantTimeEqual(Array(expected.utf8), Array(given.utf8))
        else {
            return Self.error(
                403, "A forwarded request without the cluster's secret is refused.", type: "HTTPForbidden")
        }
        // A forwarded write is never forwarded again: a replica that is no longer the writer refuses it.
        var response = try await next(request, context)
        response.headers[Self.commitHeader] = String(member.appliedSequence)
        return response
    }

    private func forward(_ request: Request, to writer: String, secret: String) async throws -> Response {
        var outbound = HTTPClientRequest(url: writer.trimmingSuffix("/") + request.uri.description)
        outbound.method = HTTPMethod(rawValue: request.method.rawValue)
        for field in request.headers where !Self.hopByHop.contains(field.name.canonicalName) {
            outbound.headers.add(name: field.name.rawName, value: field.value)
        }
        outbound.headers.replaceOrAdd(name: Self.forwardedHeader.rawName, value: member.settings.replicaName)
        outbound.headers.replaceOrAdd(name: Self.secretHeader.rawName, value: secret)
        let body = try await request.body.collect(upTo: Self.maxBody)
        outbound.body = .bytes(body)
        let answer: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            answer = try await httpClient.execute(outbound, timeout: .seconds(120))
            bytes = try await answer.body.collect(upTo: 256 << 20)
        } catch {
            Counter(label: "portwatch_cluster_forwarded_total", dimensions: [("outcome", "unreachable")]).increment()
            member.logger.warning("forwarding a write failed", metadata: ["writer": "\(writer)", "error": "\(error)"])
            return Self.error(503, "The writer could not be reached; the change may not have been applied. Try again.")
        }
        Counter(label: "portwatch_cluster_forwarded_total", dimensions: [("outcome", "answered")]).increment()
        var headers = HTTPFields()
        for header in answer.headers where !Self.hopByHop.contains(header.name.lowercased()) {
            guard let name = HTTPField.Name(header.name) else { continue }
            headers.append(HTTPField(name: name, value: header.value))
        }
        if let commit = headers[Self.commitHeader].flatMap(Int64.init) {
            headers[Self.commitHeader] = nil
            if await !member.waitUntilApplied(commit, timeout: member.settings.readYourWritesTimeout) {
                // The write is durable; only this replica's view lags. Say so rather than fail it.
                headers[HTTPField.Name("X-Portwatch-Stale")!] = "true"
            }
        }
        return Response(
            status: HTTPResponse.Status(code: Int(answer.status.code)), headers: headers,
            body: ResponseBody(byteBuffer: bytes))
    }

    static var hopByHop: Set<String> { hopByHopHeaders }

    /// Brings a follower's fault correlation up to date before a read that shows it (topology,
    /// maintenance, faults, a port's assessment, what-if and blast radius): a follower applies the
    /// stored rows only (see ``Repository/applyFollowed(_:rebuildingCorrelation:)``). When the store
    /// cannot be read, the read is served from the engine as it is.
    private func catchUpCorrelation(for path: String) async {
        guard path.hasPrefix("/v2.0/topology") || path.contains("data-plane"), member.repository.correlationLags
        else { return }
        do {
            try await member.repository.bringCorrelationUpToDate()
        } catch {
            member.logger.warning("fault correlation not brought up to date", metadata: ["error": "\(error)"])
        }
    }
}

/// Headers that describe one connection or the forwarding itself, never copied across a hop.
private let hopByHopHeaders: Set<String> = [
    "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer", "host",
    "content-length", "x-portwatch-forwarded-by", "x-portwatch-cluster-secret",
]

extension WriteForwardingMiddleware {

    static func error(_ status: Int, _ message: String, type: String = "ServiceUnavailable") -> Response {
        let body: [String: [String: String]] = ["NeutronError": ["type": type, "message": message, "detail": ""]]
        let bytes = (try? JSONEncoder().encode(body)) ?? Data()
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(
            status: HTTPResponse.Status(code: status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
