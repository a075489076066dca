extension Topology {
    /// The id a link is known by: its own `id`, or `"<a>--<b>"` from its endpoints.
    public static func effectiveID(of link: PhysicalLink) -> String {
        link.id ?? "\(endpointLabel(link.a))--\(endpointLabel(link.b))"
    }
}
