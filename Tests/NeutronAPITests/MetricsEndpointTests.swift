import FaultCorrelation
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Metrics
import NeutronAPI
import PortwatchServer
import PortwatchStore
import Prometheus
import Testing

/// `GET /metrics` renders what the modules record through swift-metrics.
struct MetricsEndpointTests {
    /// swift-metrics can be bootstrapped once per process.
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    @Test func commitsAndRequestsAreCounted() async throws {
        let registry = Self.registry
        let logger = Logger(label: "test")
        let repository = try await Repository(
            backend: try SQLiteStore(path: APIHarness.temporaryDatabase(), synchronous: .normal), logger: logger)
        let writer = Task { await repository.runWriter() }
        defer { writer.cancel() }
        let router = Router(context: PortwatchRequestContext.self)
        MetricsEndpoint(registry: registry).register(on: router)
        NeutronAPI(repository: repository).register(on: router)  // noauth: no identity headers needed
        try await Application(router: NeutronRouter(router), logger: logger).test(.router) { client in
            let created = try await client.execute(
                uri: "/v2.0/networks", method: .post, body: ByteBuffer(string: #"{"network": {"name": "m"}}"#))
            #expect(created.status == .created)
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain") == true)
            let text = String(buffer: metrics.body)
            #expect(text.contains("portwatch_commit_batches_total"))
            #expect(text.contains("portwatch_outbox_sequence"))
            #expect(text.contains(#"portwatch_http_requests_total{method="POST",status="201"} 1"#))
        }
    }
}
