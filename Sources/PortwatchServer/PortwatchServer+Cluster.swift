import BridgeMode
import Cluster
import FaultCorrelation
import Foundation
import Logging
import Notifications
import PortwatchCore
import PortwatchStore
import ServiceLifecycle

extension PortwatchServer {
    /// This replica's member of the cluster on `store`: it follows the change log, competes for the
    /// writer lock, and runs the writer's duties while it holds it.
    static func clusterMember(
        _ configuration: ServerConfiguration, store: PostgresStore, repository: Repository,
        correlation: CorrelationService, notifications: NotificationHub, bridge: Bridge?, logger: Logger
    ) -> ClusterMember {
        let name = configuration.replicaName ?? "\(ProcessInfo.processInfo.hostName):\(configuration.port)"
        let url = configuration.advertiseURL ?? "http://\(configuration.host):\(configuration.port)"
        let settings = ClusterSettings(replicaName: name, advertiseURL: url, secret: configuration.clusterSecret)
        let webhooks = notifications.webhooks
        return ClusterMember(
            settings: settings, store: store, repository: repository,
            fabricDocumentKinds: CorrelationService.fabricDocumentKinds,
            followedDocumentKinds: Set([SecurityGroup.documentKind] + (bridge == nil ? [] : [NeutronPortRecord.kind])),
            logger: logger,
            onFollowed: { batch in
                // Bridge mode's records follow the store (a takeover reloads them: the new writer's
                // controller resumes from what the previous one stored).
                if let bridge {
                    if batch.truncated {
                        do {
                            try await bridge.state.reload()
                        } catch {
                            logger.warning("bridge records not reloaded", metadata: ["error": "\(error)"])
                        }
                    } else {
                        bridge.state.followed(batch.documents)
                    }
                }
                guard batch.truncated || batch.documentKinds.contains(WebhookRegistry.subscriptionDocumentKind)
                else { return }
                do {
                    try await webhooks.reload()
                } catch {
                    logger.warning("webhook subscriptions not reloaded", metadata: ["error": "\(error)"])
                }
            },
            duties: {
                // The writer's state was just reloaded; the ports are reconciled by the correlation
                // service, which the other duties need not wait for (the writer orders every write).
                let open = StartupGate()
                open.open()
                return [
                    ElectedWriterService(repository: repository), CorrelationBackgroundService(correlation),
                ] + (bridge?.services ?? [])
                    + hostSideServices(configuration, correlation: correlation, ready: open, logger: logger)
                    + notifications.services()
            })
    }
}
