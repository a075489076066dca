import EventSources
import HTTPTypes
import PortwatchCore

/// The event sources Portwatch ingests, by the name source credentials give them, and the path each
/// posts to.
public enum EventSourceEndpoints {
    /// Portwatch's own event format (`portwatch agent`, scripts): `POST /v2.0/data-plane-events`.
    public static let native = "native"
    /// The foreign formats with their default options, each at `/v2.0/data-plane-events/{name}`.
    public static let adapters: [any EventSourceAdapter] = [
        DoctorAdapter(), AlertmanagerAdapter(), ONOSAdapter(), OpenDaylightAdapter(), CollectdAdapter(),
    ]

    /// The paths Doctor and Vitrage monitors post to unchanged, served by the Doctor adapter.
    static let doctorAliases: [(path: String, method: HTTPRequest.Method)] = [
        ("/events", .put), ("/events", .post), ("/v1/event", .post),
    ]

    /// Whether `path` is one of ``doctorAliases`` (a trailing `/` allowed).
    static func isDoctorAlias(_ path: String) -> Bool {
        var path = Substring(path)
        if path.hasSuffix("/") { path = path.dropLast() }
        return path == "/events" || path == "/v1/event"
    }

    /// Every source a credential may name.
    public static let names: [String] = [native] + adapters.map(\.formatName)

    /// Whether a `User-Agent` is Alertmanager's (`Alertmanager/0.25.0`).
    static func isAlertmanager(_ userAgent: String?) -> Bool {
        userAgent?.lowercased().hasPrefix("alertmanager") == true
    }

    /// The source whose ingestion endpoint `path` is, if it is one (a trailing `/` or `.json`
    /// suffix allowed); on the Doctor aliases, Alertmanager's `userAgent` makes it `alertmanager`.
    public static func source(ofPath path: Substring, userAgent: String? = nil) -> String? {
        var path = path
        if path.hasSuffix("/") { path = path.dropLast() }
        if path == "/events" || path == "/v1/event" { return isAlertmanager(userAgent) ? "alertmanager" : "doctor" }
        // `portwatch agent` reports its host's LLDP neighbours with its native credential.
        if path.hasPrefix("/v2.0/topology/learned-links/") { return native }
        if path.hasSuffix(".json") { path = path.dropLast(5) }
        let base = "/v2.0/data-plane-events"
        guard path.hasPrefix(base) else { return nil }
        let rest = path.dropFirst(base.count)
        if rest.isEmpty { return native }
        guard rest.first == "/" else { return nil }
        let name = rest.dropFirst()
        return names.first { $0[...] == name && $0 != native }
    }

    /// The path of `source`'s endpoint.
    public static func path(of source: String) -> String {
        source == native ? "/v2.0/data-plane-events" : "/v2.0/data-plane-events/\(source)"
    }
}

extension AccessPolicy {
    /// Nothing when the caller may post `source`'s events (its static credential, or `rule`:
    /// `create_data_plane_event`, `update_maintenance`); else Neutron's 403 naming the rule.
    func authorizeIngestion(_ rule: String, from source: String) throws(NeutronError) {
        if identity.eventSource == source { return }
        try authorize(rule)
    }
}
