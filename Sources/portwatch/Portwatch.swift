import ArgumentParser
import Foundation
import KeystoneAuth
import Logging
import Metrics
import Prometheus
import EventSources
import FileWatching
import PortwatchConfig
import NeutronAPI
import Notifications
import OsloPolicy
import PolicyFile
import PortwatchServer
import PortwatchStore
import SourceCredentials
import VSwitchSource

/// The `portwatch` command.
@main
struct Portwatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Portwatch: a Neutron-compatible port service whose data_plane_status tells the truth.",
        subcommands: [
            Serve.self, Policy.self, SourceCredentialsCommand.self, Fault.self, Maintenance.self, TopologyCommand.self,
            PortCommand.self, AgentCommand.self, WhatIfCommand.self,
        ],
        defaultSubcommand: Serve.self)
}

/// `portwatch serve`: runs the API server.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the server (embedded SQLite by default). Every option also reads PORTWATCH_<OPTION>.")

    static let environment = ProcessInfo.processInfo.environment

    @Option(help: "Address to listen on (PORTWATCH_HOST).")
    var host: String = environment["PORTWATCH_HOST"] ?? "127.0.0.1"

    @Option(help: "TCP port, 1-65535 (PORTWATCH_PORT).")
    var port: String = environment["PORTWATCH_PORT"] ?? "9696"

    @Option(help: "Store: sqlite:PATH or postgres://user@host:port/db (PORTWATCH_DATABASE).")
    var database: String = environment["PORTWATCH_DATABASE"] ?? "sqlite:./portwatch.sqlite"

    @Option(help: "SQLite synchronous mode, FULL or NORMAL (PORTWATCH_SQLITE_SYNCHRONOUS).")
    var sqliteSynchronous: String = environment["PORTWATCH_SQLITE_SYNCHRONOUS"] ?? "FULL"

    @Flag(help: "Make status DOWN while data_plane_status is DOWN (PORTWATCH_STATUS_FOLLOWS_DATA_PLANE=1).")
    var statusFollowsDataPlane = ["1", "true", "yes"].contains(
        environment["PORTWATCH_STATUS_FOLLOWS_DATA_PLANE"]?.lowercased() ?? "")

    @Option(
        help:
            "Identity: noauth (everyone is admin; loopback only), headers (from a fronting proxy's X-User-Id/X-Project-Id/X-Roles) or keystone (validate X-Auth-Token) (PORTWATCH_AUTH)."
    )
    var auth: String = environment["PORTWATCH_AUTH"] ?? "noauth"

    @Flag(
        help:
            "Allow --auth noauth or headers on a non-loopback address: only behind a proxy that authenticates every request (PORTWATCH_TRUST_REMOTE_CLIENTS=1)."
    )
    var trustRemoteClients = ["1", "true", "yes"].contains(
        environment["PORTWATCH_TRUST_REMOTE_CLIENTS"]?.lowercased() ?? "")

    @Option(
        help:
            "Keystone identity URL for --auth keystone, e.g. http://keystone:5000/v3 (PORTWATCH_KEYSTONE_URL, OS_AUTH_URL)."
    )
    var keystoneURL: String? = environment["PORTWATCH_KEYSTONE_URL"] ?? environment["OS_AUTH_URL"]

    @Option(help: "Take Keystone's URL and the service credentials from this clouds.yaml cloud (OS_CLOUD).")
    var osCloud: String? = environment["OS_CLOUD"]

    @Option(help: "Service user name (OS_USERNAME).")
    var osUsername: String? = environment["OS_USERNAME"]

    @Option(help: "Service user password (OS_PASSWORD; prefer the environment or clouds.yaml/secure.yaml).")
    var osPassword: String? = environment["OS_PASSWORD"]

    @Option(help: "Service project name (OS_PROJECT_NAME).")
    var osProjectName: String? = environment["OS_PROJECT_NAME"]

    @Option(help: "Service user's domain name (OS_USER_DOMAIN_NAME, default Default).")
    var osUserDomainName: String = environment["OS_USER_DOMAIN_NAME"] ?? "Default"

    @Option(help: "Service project's domain name (OS_PROJECT_DOMAIN_NAME, default Default).")
    var osProjectDomainName: String = environment["OS_PROJECT_DOMAIN_NAME"] ?? "Default"

    @Option(
        help:
            "The URI 401 answers advertise in WWW-Authenticate (PORTWATCH_WWW_AUTHENTICATE_URI; default the Keystone URL without /v3)."
    )
    var wwwAuthenticateURI: String? = environment["PORTWATCH_WWW_AUTHENTICATE_URI"]

    @Option(
        help:
            "How long a token validation is reused, e.g. 300, 5m; capped by the token's expiry (PORTWATCH_TOKEN_CACHE_TIME)."
    )
    var tokenCacheTime: String = environment["PORTWATCH_TOKEN_CACHE_TIME"] ?? "300"

    @Option(
        help:
            "Notification sink URL, repeatable, e.g. amqp://guest:guest@127.0.0.1:5672/ (PORTWATCH_NOTIFY, comma-separated)."
    )
    var notify: [String] = Self.list(environment["PORTWATCH_NOTIFY"])

    @Option(
        help:
            "With PostgreSQL: this replica's URL for the other replicas, which forward their writes to the writer (PORTWATCH_ADVERTISE_URL; default http://HOST:PORT)."
    )
    var advertiseURL: String? = environment["PORTWATCH_ADVERTISE_URL"]

    @Option(help: "With PostgreSQL: this replica's stable name (PORTWATCH_REPLICA_NAME; default host name:port).")
    var replicaName: String? = environment["PORTWATCH_REPLICA_NAME"]

    @Option(
        help:
            "With PostgreSQL: a file holding the secret shared by the replicas, which authenticates forwarded writes (PORTWATCH_CLUSTER_SECRET_FILE)."
    )
    var clusterSecretFile: String? = environment["PORTWATCH_CLUSTER_SECRET_FILE"]

    @Option(help: "Host name in notifications' publisher_id network.<host> (PORTWATCH_PUBLISHER_HOST).")
    var publisherHost: String = environment["PORTWATCH_PUBLISHER_HOST"] ?? ProcessInfo.processInfo.hostName

    @Option(help: "Flap-damping hold-down per port in seconds, 0-3600, 0 to disable (PORTWATCH_FLAP_HOLD_DOWN).")
    var flapHoldDown: String = environment["PORTWATCH_FLAP_HOLD_DOWN"] ?? "1.0"

    @Option(
        help:
            "How far in the future a fault event's time may be, in seconds (0-86400), before it is clamped to its arrival (PORTWATCH_EVENT_CLOCK_SKEW)."
    )
    var eventClockSkew: String = environment["PORTWATCH_EVENT_CLOCK_SKEW"] ?? "5"

    @Option(
        help:
            "Webhook attempts per notification, 1-100, before it goes to the dead letters (PORTWATCH_WEBHOOK_MAX_ATTEMPTS)."
    )
    var webhookMaxAttempts: String = environment["PORTWATCH_WEBHOOK_MAX_ATTEMPTS"] ?? "8"

    @Option(
        help:
            "Allow webhooks to a CIDR, address or host name that is otherwise refused (loopback, link-local, private), repeatable (PORTWATCH_WEBHOOK_ALLOW, comma-separated)."
    )
    var webhookAllow: [String] = Self.list(environment["PORTWATCH_WEBHOOK_ALLOW"])

    @Option(help: "The most webhooks one project may have, 1-10000 (PORTWATCH_WEBHOOK_MAX_PER_PROJECT).")
    var webhookMaxPerProject: String = environment["PORTWATCH_WEBHOOK_MAX_PER_PROJECT"] ?? "20"

    @Option(help: "How long delivered outbox records are kept, e.g. 24h, 90m, 3600 (PORTWATCH_OUTBOX_RETENTION).")
    var outboxRetention: String = environment["PORTWATCH_OUTBOX_RETENTION"] ?? "24h"

    @Option(
        help:
            "Policy file overriding the default rules, YAML or JSON as Neutron's policy.yaml; reloaded on SIGHUP and when it changes (PORTWATCH_POLICY_FILE)."
    )
    var policyFile: String? = environment["PORTWATCH_POLICY_FILE"].flatMap { $0.isEmpty ? nil : $0 }

    @Option(
        help:
            "Static credentials (hashed bearer tokens, basic auth) with which event sources such as Alertmanager post their events; YAML, reloaded on SIGHUP and when it changes (PORTWATCH_SOURCE_CREDENTIALS)."
    )
    var sourceCredentials: String? = environment["PORTWATCH_SOURCE_CREDENTIALS"].flatMap { $0.isEmpty ? nil : $0 }

    @Option(
        help:
            "An Open vSwitch database to watch, [HOST=]tcp:IP:PORT or [HOST=]unix:PATH, repeatable; HOST defaults to its Open_vSwitch external_ids:hostname (PORTWATCH_OVSDB, comma-separated)."
    )
    var ovsdb: [String] = Self.list(environment["PORTWATCH_OVSDB"])

    @Option(
        help:
            "How often ovs-vswitchd's liveness is probed on each --ovsdb, e.g. 15, 5s (PORTWATCH_OVSDB_PROBE_INTERVAL)."
    )
    var ovsdbProbeInterval: String = environment["PORTWATCH_OVSDB_PROBE_INTERVAL"] ?? "15"

    @Option(
        help:
            "How long a link learned from a host's LLDP stays after its reports stop naming it, in seconds, 0-86400 (PORTWATCH_LEARNED_LINK_GRACE)."
    )
    var learnedLinkGrace: String = environment["PORTWATCH_LEARNED_LINK_GRACE"] ?? "300"

    @Option(
        help:
            "A YAML file for what flags express badly: event sources' options (Alertmanager labels, ONOS/OpenDaylight device maps, Doctor event types) and OVSDB endpoints; see docs/configuration.md (PORTWATCH_CONFIG)."
    )
    var config: String? = environment["PORTWATCH_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }

    @Option(
        help:
            "Bridge mode: the cloud's Neutron at this URL owns ports and networks; Portwatch mirrors them and writes data_plane_status back (PORTWATCH_NEUTRON_URL)."
    )
    var neutronURL: String? = environment["PORTWATCH_NEUTRON_URL"].flatMap { $0.isEmpty ? nil : $0 }

    @Option(
        help:
            "Bridge mode with Neutron found in the Keystone catalog of --os-cloud: the endpoint interface, public, internal or admin (PORTWATCH_NEUTRON_INTERFACE)."
    )
    var neutronInterface: String? = environment["PORTWATCH_NEUTRON_INTERFACE"].flatMap { $0.isEmpty ? nil : $0 }

    @Option(help: "Bridge mode: the catalog region of Neutron's endpoint (PORTWATCH_NEUTRON_REGION, OS_REGION_NAME).")
    var neutronRegion: String? = environment["PORTWATCH_NEUTRON_REGION"] ?? environment["OS_REGION_NAME"]

    @Option(help: "Bridge mode: the most concurrent PUTs to Neutron, 1-256 (PORTWATCH_NEUTRON_WRITE_CONCURRENCY).")
    var neutronWriteConcurrency: String = environment["PORTWATCH_NEUTRON_WRITE_CONCURRENCY"] ?? "8"

    @Option(
        help:
            "Bridge mode: how often the whole Neutron inventory is read again, e.g. 300, 5m (PORTWATCH_NEUTRON_RESYNC_INTERVAL)."
    )
    var neutronResyncInterval: String = environment["PORTWATCH_NEUTRON_RESYNC_INTERVAL"] ?? "300"

    @Option(
        help:
            "Bridge mode: the cloud's RabbitMQ, amqp://user:pass@host:port/vhost, for Neutron's notifications (PORTWATCH_NEUTRON_AMQP)."
    )
    var neutronAMQP: String? = environment["PORTWATCH_NEUTRON_AMQP"].flatMap { $0.isEmpty ? nil : $0 }

    @Option(help: "Bridge mode: Portwatch's durable queue on that RabbitMQ (PORTWATCH_NEUTRON_AMQP_QUEUE).")
    var neutronAMQPQueue: String = environment["PORTWATCH_NEUTRON_AMQP_QUEUE"] ?? "portwatch-bridge"

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (PORTWATCH_LOG_LEVEL).")
    var logLevel: String = environment["PORTWATCH_LOG_LEVEL"] ?? "info"

    static func list(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// A number option in `range`, or a message naming the option and what it takes.
    static func number<T: LosslessStringConvertible & Comparable>(
        _ text: String, _ option: String, in range: ClosedRange<T>
    ) throws -> T {
        guard let value = T(text.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
            throw ValidationError(
                "\(option) must be a number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
        }
        return value
    }

    /// Every option checked, in one configuration; a wrong value is an error naming the option.
    func configuration() throws -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.host = host
        configuration.port = try Self.number(port, "--port", in: 1...65535)
        configuration.database = database
        guard let synchronous = SQLiteStore.Synchronous(rawValue: sqliteSynchronous.uppercased()) else {
            throw ValidationError("--sqlite-synchronous must be FULL or NORMAL")
        }
        configuration.sqliteSynchronous = synchronous
        configuration.statusFollowsDataPlane = statusFollowsDataPlane
        guard let mode = IdentityResolver.Mode(rawValue: auth) else {
            throw ValidationError("--auth must be noauth, headers or keystone")
        }
        configuration.identityMode = mode
        configuration.trustRemoteClients = trustRemoteClients
        if mode == .keystone { configuration.keystone = try keystoneSettings() }
        configuration.notify = notify
        configuration.publisherHost = publisherHost
        configuration.advertiseURL = advertiseURL
        configuration.replicaName = replicaName
        if let clusterSecretFile {
            guard let text = try? String(contentsOfFile: clusterSecretFile, encoding: .utf8),
                case let secret = text.trimmingCharacters(in: .whitespacesAndNewlines), secret.count >= 16
            else {
                throw ValidationError("--cluster-secret-file must name a readable file of at least 16 characters")
            }
            configuration.clusterSecret = secret
        }
        configuration.flapHoldDown = try Self.number(flapHoldDown, "--flap-hold-down", in: 0...3600)
        configuration.maxEventClockSkew = try Self.number(eventClockSkew, "--event-clock-skew", in: 0...86_400)
        configuration.webhookMaxAttempts = try Self.number(webhookMaxAttempts, "--webhook-max-attempts", in: 1...100)
        configuration.webhookMaxPerProject = try Self.number(
            webhookMaxPerProject, "--webhook-max-per-project", in: 1...10_000)
        do {
            configuration.webhookDestinations = try WebhookDestinationPolicy(allowing: webhookAllow)
        } catch {
            throw ValidationError("\(error)")
        }
        guard let retention = ServerConfiguration.parseDuration(outboxRetention) else {
            throw ValidationError(
                "--outbox-retention must be a duration of at most ten years such as 24h, 90m or 3600, not '\(outboxRetention)'"
            )
        }
        configuration.outboxRetention = retention
        if let policyFile {
            do {
                configuration.policyRules = try PolicyFile(path: policyFile).rules()
            } catch {
                throw ValidationError("--policy-file \(error)")
            }
            configuration.policyFile = policyFile
        }
        var ovsdb = ovsdb
        var probeText = ovsdbProbeInterval
        if let config {
            let file: ConfigFile
            do {
                file = try ConfigFile(path: config)
            } catch {
                throw ValidationError("--config \(error)")
            }
            configuration.eventSources = [
                DoctorAdapter(options: file.doctor), AlertmanagerAdapter(options: file.alertmanager),
                ONOSAdapter(matcher: file.onos), OpenDaylightAdapter(matcher: file.opendaylight), CollectdAdapter(),
            ]
            ovsdb += file.ovsdb
            if let probe = file.ovsdbProbeInterval, Self.environment["PORTWATCH_OVSDB_PROBE_INTERVAL"] == nil,
                !CommandLine.arguments.contains("--ovsdb-probe-interval")
            {
                probeText = String(probe)
            }
        }
        for target in ovsdb {
            do {
                configuration.ovsdbTargets.append(try OVSDBTarget(parsing: target))
            } catch {
                throw ValidationError("--ovsdb \(target): \(error)")
            }
        }
        guard let probe = ServerConfiguration.parseDuration(probeText), probe >= .seconds(1),
            probe <= .seconds(3600)
        else {
            throw ValidationError("--ovsdb-probe-interval must be a duration from 1 s to an hour, such as 15 or 5s")
        }
        configuration.ovsdbProbeInterval = probe
        configuration.learnedLinkGrace = try Self.number(learnedLinkGrace, "--learned-link-grace", in: 0...86_400)
        if let sourceCredentials {
            do {
                configuration.sourceCredentials = try SourceCredentialsFile(
                    path: sourceCredentials, knownSources: EventSourceEndpoints.names
                ).load()
            } catch {
                throw ValidationError("--source-credentials \(error)")
            }
            configuration.sourceCredentialsFile = sourceCredentials
        }
        configuration.bridge = try bridgeSettings()
        return configuration
    }

    /// Bridge mode's settings, when `--neutron-url` or `--neutron-interface` asks for it.
    func bridgeSettings() throws -> BridgeSettings? {
        guard neutronURL != nil || neutronInterface != nil else {
            if neutronAMQP != nil { throw ValidationError("--neutron-amqp needs --neutron-url or --neutron-interface") }
            return nil
        }
        var settings = BridgeSettings()
        if let neutronURL {
            guard let url = URL(string: neutronURL), ["http", "https"].contains(url.scheme ?? ""), url.host != nil
            else {
                throw ValidationError(
                    "--neutron-url must be an http(s) URL such as http://neutron:9696, not '\(neutronURL)'")
            }
            settings.neutronURL = neutronURL
        }
        if let neutronInterface {
            guard ["public", "internal", "admin"].contains(neutronInterface.lowercased()) else {
                throw ValidationError("--neutron-interface must be public, internal or admin")
            }
            settings.interface = neutronInterface.lowercased()
        }
        settings.region = neutronRegion.flatMap { $0.isEmpty ? nil : $0 }
        settings.writeConcurrency = try Self.number(
            neutronWriteConcurrency, "--neutron-write-concurrency", in: 1...256)
        guard let interval = ServerConfiguration.parseDuration(neutronResyncInterval), interval >= .seconds(1),
            interval <= .seconds(86_400)
        else {
            throw ValidationError("--neutron-resync-interval must be a duration from 1 s to a day, such as 300 or 5m")
        }
        settings.resyncInterval = interval
        settings.amqpURL = neutronAMQP
        settings.amqpQueue = neutronAMQPQueue
        // Keystone credentials from --os-cloud or OS_PASSWORD; without any, Neutron is asked without a token.
        if osCloud != nil || osPassword != nil {
            settings.keystone = try keystoneSettings()
        } else if settings.neutronURL == nil {
            throw ValidationError("--neutron-interface needs Keystone credentials (--os-cloud or OS_PASSWORD)")
        }
        return settings
    }

    /// Keystone's URL and the service credentials: from `--os-cloud`, else from the flags and `OS_*`.
    func keystoneSettings() throws -> KeystoneSettings {
        guard let ttl = ServerConfiguration.parseDuration(tokenCacheTime), ttl <= .seconds(86_400) else {
            throw ValidationError("--token-cache-time must be a duration of at most a day, such as 300 or 5m")
        }
        var url = keystoneURL
        var credentials: PasswordCredentials
        if let osCloud {
            do {
                let cloud = try CloudsFile.cloud(named: osCloud)
                url = url ?? cloud.authURL
                credentials = cloud.credentials
            } catch {
                throw ValidationError("--os-cloud \(osCloud): \(error)")
            }
        } else {
            guard let osPassword else {
                throw ValidationError("--auth keystone needs the service user's password (OS_PASSWORD) or --os-cloud")
            }
            credentials = PasswordCredentials(
                username: osUsername, password: osPassword, userDomainName: osUserDomainName,
                projectName: osProjectName, projectDomainName: osProjectDomainName)
            if let problem = credentials.problem {
                throw ValidationError(
                    "--auth keystone needs \(problem) of the service user (OS_USERNAME, OS_PROJECT_NAME, ...)")
            }
        }
        guard let url, let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? "") else {
            throw ValidationError(
                "--auth keystone needs --keystone-url http(s)://HOST:PORT/v3 (or an auth_url in --os-cloud)")
        }
        return KeystoneSettings(
            authURL: url, wwwAuthenticateURI: wwwAuthenticateURI, credentials: credentials, cacheTTL: ttl)
    }

    func run() async throws {
        guard let level = Logger.Level(rawValue: logLevel.lowercased()) else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        let configuration = try configuration()
        if configuration.policyFile != nil || configuration.sourceCredentialsFile != nil {
            FileWatcher.ignoreHangupsUntilWatched()
        }
        var logger = Logger(label: "portwatch")
        logger.logLevel = level
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let server = try await PortwatchServer.make(
            configuration: configuration, metrics: MetricsEndpoint(registry: registry), logger: logger)
        logger.info(
            "starting",
            metadata: ["address": "\(host):\(configuration.port)", "database": "\(configuration.redactedDatabase)"])
        try await server.run()
    }
}
