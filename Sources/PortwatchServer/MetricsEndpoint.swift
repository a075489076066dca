import Hummingbird
import NIOCore
import NeutronAPI
import Prometheus

/// `GET /metrics` in Prometheus' text format, plus request metrics by method and status.
///
/// The executable bootstraps swift-metrics with a `PrometheusMetricsFactory` over `registry`;
/// every module records through swift-metrics and this endpoint renders the registry.
public struct MetricsEndpoint: Sendable {
    public let registry: PrometheusCollectorRegistry
    /// The request metrics' handles, shared by the middleware and the event loop's port reads.
    let requests = RequestMetrics()

    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    /// Adds the request-metrics middleware (it applies to routes registered after it) and the route.
    public func register(on router: Router<PortwatchRequestContext>) {
        router.add(middleware: RequestMetricsMiddleware(metrics: requests))
        router.get("/metrics") { [registry] _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(
                status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }
}
