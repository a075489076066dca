import AMQP
import AsyncHTTPClient
import BridgeMode
import FaultCorrelation
import Foundation
import KeystoneAuth
import Logging
import NeutronClient
import PortwatchStore
import ServiceLifecycle

/// Bridge mode's parts, made from ``BridgeSettings``: the mirror's state, the inventory sync, the
/// write-back controller and (with `--neutron-amqp`) the notification consumer.
public struct Bridge: Sendable {
    public let state: BridgeState
    public let sync: InventorySync
    public let controller: WriteBackController
    public let client: NeutronClient
    let consumer: NeutronNotificationConsumer?

    static func make(
        settings: BridgeSettings, repository: Repository, correlation: CorrelationService, logger: Logger
    ) async throws -> Bridge {
        var tagged = logger
        tagged[metadataKey: "bridge.neutron"] = "\(settings.neutronURL ?? "catalog:\(settings.interface)")"
        let logger = tagged
        let authenticator: any NeutronAuthenticator
        if let keystone = settings.keystone {
            let tokens = ServiceTokenProvider(
                client: KeystoneClient(settings: keystone, httpClient: .shared), logger: logger)
            let endpoint: KeystoneNeutronAuthenticator.Endpoint
            if let url = settings.neutronURL {
                endpoint = .fixed(url)
            } else {
                endpoint = .catalog(interface: settings.interface, region: settings.region)
            }
            authenticator = KeystoneNeutronAuthenticator(tokens: tokens, endpoint: endpoint)
        } else if let url = settings.neutronURL {
            authenticator = UnauthenticatedNeutron(endpoint: url)
        } else {
            throw ServerConfigurationError(
                "bridge mode needs --neutron-url, or Keystone service credentials (--os-cloud) to find Neutron in the catalog"
            )
        }
        let client = NeutronClient(authenticator: authenticator, httpClient: .shared, logger: logger)
        let state = try await BridgeState(repository: repository)
        let sync = InventorySync(
            client: client, state: state, interval: settings.resyncInterval, logger: logger
        ) { hosts in
            // The agents fill what the topology does not say; nothing to write when it says it all.
            var document = correlation.topologyDocument
            guard AgentHostMappings.fill(&document, from: hosts) else { return }
            do {
                _ = try await correlation.updateTopology { _ = AgentHostMappings.fill(&$0, from: hosts) }
                logger.info("topology filled from Neutron's agents", metadata: ["hosts": "\(hosts.count)"])
            } catch {
                logger.warning("agents' mappings not applied", metadata: ["error": "\(error)"])
            }
        }
        let controller = WriteBackController(
            client: client, state: state, concurrency: settings.writeConcurrency, logger: logger)
        var consumer: NeutronNotificationConsumer?
        if let url = settings.amqpURL {
            let configuration: AMQPConfiguration
            do {
                configuration = try AMQPConfiguration(url: url)
            } catch {
                throw ServerConfigurationError("--neutron-amqp: \(error)")
            }
            consumer = NeutronNotificationConsumer(
                configuration: configuration, sync: sync, state: state, queue: settings.amqpQueue, logger: logger)
        }
        return Bridge(state: state, sync: sync, controller: controller, client: client, consumer: consumer)
    }

    /// The services, in start order: the sync first (the controller writes what it mirrored).
    var services: [any Service] {
        [sync, controller] + (consumer.map { [$0] } ?? [])
    }
}
