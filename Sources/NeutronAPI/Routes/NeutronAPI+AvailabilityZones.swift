import Hummingbird
import PortwatchCore

extension NeutronAPI {
    /// `GET /v2.0/availability_zones` as Neutron 29 answers it without agents: no zones (whatever the
    /// filters), so a network's `availability_zone_hints` can name none (``ChangeSet/createNetworks``).
    func registerAvailabilityZones(on router: Router<PortwatchRequestContext>) {
        router.get("/v2.0/availability_zones") { _, _ in
            JSONResponse.make(bytes: Array(#"{"availability_zones":[]}"#.utf8))
        }
    }
}
