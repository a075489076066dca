import Foundation
import OsloPolicy
import HTTPTypes
import PortwatchCore
import Testing

/// Foreign fault formats through `/v2.0/data-plane-events/{doctor,alertmanager,onos,opendaylight}`
/// over the fixture fabric: compute-a3 is single-homed on leaf-a3 Ethernet1 (eth0), compute-a1
/// bonds across leaf-a1 and leaf-a2, and bare-metal nodes hang off leaf-a4.
struct EventSourcesAPITests {
    /// An Alertmanager webhook with one alert.
    static func webhook(
        _ status: String, labels: String, fingerprint: String = "4f2a9c31d0e8b7a6", extraAlerts: String = ""
    ) -> String {
        #"""
        {"version": "4", "groupKey": "{}:{alertname=\"LeafDown\"}", "truncatedAlerts": 0, "status": "\#(status)",
         "receiver": "portwatch", "groupLabels": {"alertname": "LeafDown"}, "commonLabels": {}, "commonAnnotations": {},
         "externalURL": "http://am:9093",
         "alerts": [{"status": "\#(status)", "labels": \#(labels), "annotations": {"summary": "leaf unreachable"},
                     "startsAt": "2026-11-26T10:00:00.000Z",
                     "endsAt": "\#(status == "resolved" ? "2026-11-26T10:03:00.000Z" : "0001-01-01T00:00:00Z")",
                     "generatorURL": "http://prom:9090/graph", "fingerprint": "\#(fingerprint)"}\#(extraAlerts)]}
        """#
    }

    /// A Doctor southbound event list, as the sample monitor sends it.
    static func doctor(_ type: String, host: String, status: String = "down") -> String {
        #"""
        [{"time": "2026-11-26T10:15:30.123456", "type": "\#(type)",
          "details": {"hostname": "\#(host)", "status": "\#(status)", "monitor": "monitor_sample",
                      "monitor_event_id": "monitor_sample_event1"}}]
        """#
    }

    @Test func alertmanagerLeafAlertTakesTheSingleHomedPortDownAndItsResolutionBack() async throws {
        try await APIHarness.run { api in
            let (_, dual, single) = try await DataPlaneAPITests.ports(api)
            let unrelated =
                #", {"status": "firing", "labels": {"alertname": "NodeCPUHigh", "instance": "compute-a1:9100"}, "startsAt": "2026-11-26T10:00:00Z", "fingerprint": "77"}"#
            var reply = try await api.call(
                .post, "/v2.0/data-plane-events/alertmanager",
                Self.webhook(
                    "firing", labels: #"{"alertname": "LeafDown", "switch": "leaf-a3", "severity": "critical"}"#,
                    extraAlerts: unrelated))
            #expect(reply.status == 200, "\(reply.raw)")
            #expect(reply.json["changed_ports"] as? Int == 1)
            let events = reply.json["events"] as? [[String: Any]] ?? []
            #expect(events.map { $0["resource_id"] as? String } == ["leaf-a3"])
            #expect(events.first?["outcome"] as? String == "accepted")
            #expect(events.first?["source"] as? String == "alertmanager:portwatch/LeafDown")
            let ignored = reply.json["ignored"] as? [[String: Any]] ?? []
            #expect(ignored.map { $0["reason"] as? String } == ["no label names a physical resource"])
            #expect(ignored.first?["index"] as? Int == 1)
            #expect(try await api.dataPlaneStatus(single) == "DOWN")
            #expect(try await api.dataPlaneStatus(dual) == nil)
            let faults = try await api.call(.get, "/v2.0/data-plane-faults")
            let fault = (faults.json["faults"] as? [[String: Any]])?.first
            #expect(fault?["correlation_id"] as? String == "4f2a9c31d0e8b7a6")
            #expect(fault?["reason"] as? String == "LeafDown: leaf unreachable")

            reply = try await api.call(
                .post, "/v2.0/data-plane-events/alertmanager",
                Self.webhook("resolved", labels: #"{"alertname": "LeafDown", "switch": "leaf-a3"}"#))
            #expect(reply.status == 200)
            #expect(try await api.dataPlaneStatus(single) == "ACTIVE")
        }
    }

    @Test func alertsOnlyAboutUnknownResourcesChangeNothingAndSucceed() async throws {
        try await APIHarness.run { api in
            let (_, _, single) = try await DataPlaneAPITests.ports(api)
            let reply = try await api.call(
                .post, "/v2.0/data-plane-events/alertmanager",
                Self.webhook("firing", labels: #"{"alertname": "LeafDown", "switch": "leaf-zz"}"#))
            #expect(reply.status == 200, "Alertmanager would drop the whole group on a 4xx")
            #expect((reply.json["events"] as? [Any])?.isEmpty == true)
            #expect(
                (reply.json["ignored"] as? [[String: Any]])?.first?["reason"] as? String
                    == "switch leaf-zz is not in the topology")
            #expect(try await api.dataPlaneStatus(single) == nil)
        }
    }

    @Test func doctorHostDownTakesItsPortsDownAndStatusUpBack() async throws {
        try await APIHarness.run { api in
            let (_, dual, single) = try await DataPlaneAPITests.ports(api)
            var reply = try await api.call(
                .put, "/v2.0/data-plane-events/doctor", Self.doctor("compute.host.down", host: "compute-a3"))
            #expect(reply.status == 200, "\(reply.raw)")
            #expect(reply.json["format"] as? String == "doctor")
            #expect(try await api.dataPlaneStatus(single) == "DOWN")
            #expect(try await api.dataPlaneStatus(dual) == nil)
            let faults = try await api.call(.get, "/v2.0/data-plane-faults")
            let fault = (faults.json["faults"] as? [[String: Any]])?.first
            #expect(fault?["source"] as? String == "doctor:monitor_sample")
            #expect(fault?["resource_type"] as? String == "host")
            // Vitrage's shape: one bare object, POSTed.
            let bare =
                #"{"time": "2026-11-26T10:20:00Z", "type": "compute.host.down", "details": {"hostname": "compute-a3", "status": "up", "monitor": "monitor_sample"}}"#
            reply = try await api.call(.post, "/v2.0/data-plane-events/doctor", bare)
            #expect(reply.status == 200)
            #expect(try await api.dataPlaneStatus(single) == "ACTIVE")
        }
    }

    @Test func doctorEventsOnUnknownHostsAreRejectedWhole() async throws {
        try await APIHarness.run { api in
            let (_, _, single) = try await DataPlaneAPITests.ports(api)
            let body = #"""
                [{"time": "2026-11-26T10:15:30", "type": "compute.host.down", "details": {"hostname": "compute-a3", "status": "down"}},
                 {"time": "2026-11-26T10:15:30", "type": "compute.host.down", "details": {"hostname": "compute-1", "status": "down"}}]
                """#
            let reply = try await api.call(.put, "/v2.0/data-plane-events/doctor", body)
            #expect(reply.status == 404)
            #expect(reply.errorType == "PhysicalResourceNotFound")
            #expect(reply.errorMessage == "Physical resource(s) host compute-1 could not be found in the topology.")
            #expect(try await api.dataPlaneStatus(single) == nil, "the known host's event was not applied either")
        }
    }

    @Test func doctorMaintenanceSuppressesFaultsUntilComplete() async throws {
        // An integrator allowed to report events still needs update_maintenance for Doctor's maintenance.
        let rules = try PolicyRules(overrides: [
            ("create_data_plane_event", "rule:admin_only or role:data_plane_integrator", 1)
        ])
        try await APIHarness.run(policy: ActivePolicy(rules)) { api in
            let (_, _, single) = try await DataPlaneAPITests.ports(api)
            let integrator = APIHarness.caller(user: "sdn", project: "p", roles: "data_plane_integrator")
            var reply = try await api.call(
                .put, "/v2.0/data-plane-events/doctor", Self.doctor("IN_MAINTENANCE", host: "compute-a3"),
                headers: integrator)
            #expect(reply.status == 403, "maintenance needs admin or service, as PUT /v2.0/topology/maintenance")
            #expect(reply.errorMessage == "rule:update_maintenance is disallowed by policy")
            reply = try await api.call(
                .put, "/v2.0/data-plane-events/doctor", Self.doctor("IN_MAINTENANCE", host: "compute-a3"))
            #expect(reply.status == 200, "\(reply.raw)")
            let maintenance = reply.json["maintenance"] as? [[String: Any]] ?? []
            #expect(maintenance.first?["resource_id"] as? String == "compute-a3")
            #expect(maintenance.first?["active"] as? Bool == true)
            try await api.call(
                .put, "/v2.0/data-plane-events/doctor", Self.doctor("compute.host.down", host: "compute-a3"))
            #expect(try await api.dataPlaneStatus(single) == nil, "a host in maintenance does not take its ports down")
            reply = try await api.call(
                .put, "/v2.0/data-plane-events/doctor", Self.doctor("MAINTENANCE_COMPLETE", host: "compute-a3"))
            #expect(reply.json["changed_ports"] as? Int == 1)
            #expect(
                try await api.dataPlaneStatus(single) == "DOWN",
                "the fault still active takes effect when maintenance ends")
        }
    }

    @Test func onosPortDisabledTakesTheBareMetalPortDown() async throws {
        try await APIHarness.run { api in
            try await api.loadFabric()
            let flat = try await api.network(
                "prov", extra: #", "provider:network_type": "flat", "provider:physical_network": "physnet9""#)
            // binding:profile is the service role's (Ironic's), as in Neutron 29.
            let metal = try await api.port(
                network: flat, name: "metal", headers: APIHarness.serviceHeaders,
                extra:
                    #", "binding:vnic_type": "baremetal", "binding:profile": {"local_link_information": [{"switch_id": "52:54:00:0a:00:04", "port_id": "Ethernet5", "switch_info": "leaf-a4"}]}"#
            )
            func portUpdated(_ enabled: Bool) -> String {
                #"""
                {"type": "PORT_UPDATED", "time": 1795687200000,
                 "subject": {"id": "of:00005254000a0004", "type": "SWITCH", "available": true},
                 "port": {"element": "of:00005254000a0004", "port": "5", "isEnabled": \#(enabled), "type": "copper",
                          "portSpeed": 10000, "annotations": {"portName": "Ethernet5"}}}
                """#
            }
            var reply = try await api.call(.post, "/v2.0/data-plane-events/onos", portUpdated(false))
            #expect(reply.status == 200, "\(reply.raw)")
            #expect((reply.json["events"] as? [[String: Any]])?.first?["resource_id"] as? String == "leaf-a4:Ethernet5")
            #expect(try await api.dataPlaneStatus(metal) == "DOWN")
            reply = try await api.call(.post, "/v2.0/data-plane-events/onos", "[\(portUpdated(true))]")
            #expect(try await api.dataPlaneStatus(metal) == "ACTIVE")
        }
    }

    @Test func openDaylightLinkDownTakesTheSingleHomedPortDown() async throws {
        try await APIHarness.run { api in
            let (_, _, single) = try await DataPlaneAPITests.ports(api)
            // leaf-a3's datapath id is its chassis MAC 52:54:00:0a:00:03.
            let connector = "openflow:90520731385859:1"
            let body = #"""
                {"notification": {"data-changed-notification": {"data-change-event": {
                   "path": "/opendaylight-inventory:nodes/opendaylight-inventory:node[opendaylight-inventory:id='openflow:90520731385859']/opendaylight-inventory:node-connector[opendaylight-inventory:id='\#(connector)']",
                   "operation": "updated",
                   "data": {"node-connector": {"id": "\#(connector)", "flow-node-inventory:name": "Ethernet1",
                                               "flow-node-inventory:state": {"link-down": true, "blocked": false, "live": false}}}}},
                  "eventTime": "2026-11-26T10:00:00.379-07:00"}}
                """#
            let reply = try await api.call(.post, "/v2.0/data-plane-events/opendaylight", body)
            #expect(reply.status == 200, "\(reply.raw)")
            #expect((reply.json["events"] as? [[String: Any]])?.first?["resource_id"] as? String == "leaf-a3:Ethernet1")
            #expect(try await api.dataPlaneStatus(single) == "DOWN")
        }
    }

    @Test func malformedBodiesAndCallersWithoutTheRoleAreRefused() async throws {
        try await APIHarness.run { api in
            try await api.loadFabric()
            var reply = try await api.call(.post, "/v2.0/data-plane-events/alertmanager", #"{"receiver": "x"}"#)
            #expect(reply.status == 400)
            #expect(reply.errorMessage == "Invalid alertmanager payload: the webhook has no 'alerts'")
            reply = try await api.call(
                .put, "/v2.0/data-plane-events/doctor",
                #"[{"type": "compute.host.down", "time": "yesterday", "details": {"hostname": "compute-a3"}}]"#)
            #expect(reply.status == 400)
            #expect(
                reply.errorMessage
                    == "Invalid doctor payload: event 0 has time 'yesterday', which is not an ISO 8601 date-time")
            reply = try await api.call(.post, "/v2.0/data-plane-events/onos", "not json")
            #expect(reply.status == 400)
            reply = try await api.call(.post, "/v2.0/data-plane-events/opendaylight", #"{"hello": 1}"#)
            #expect(reply.status == 400)
            let member = APIHarness.caller(user: "u", project: "p", roles: "member,reader")
            reply = try await api.call(.post, "/v2.0/data-plane-events/onos", "[]", headers: member)
            #expect(reply.status == 403)
            #expect(reply.errorType == "PolicyNotAuthorized")
            // Fabric-wide writes are for admins and the service role (issue 9): no longer the integrator.
            let integrator = APIHarness.caller(user: "sdn", project: "p", roles: "data_plane_integrator")
            reply = try await api.call(.post, "/v2.0/data-plane-events/onos", "[]", headers: integrator)
            #expect(reply.status == 403)
            #expect(reply.errorMessage == "rule:create_data_plane_event is disallowed by policy")
            let service = APIHarness.caller(user: "onos", project: "service", roles: "service")
            reply = try await api.call(.post, "/v2.0/data-plane-events/onos", "[]", headers: service)
            #expect(reply.status == 200)
            #expect(reply.json["changed_ports"] as? Int == 0)
        }
    }

    @Test func theExtensionIsListed() async throws {
        try await APIHarness.run { api in
            let reply = try await api.call(.get, "/v2.0/extensions/portwatch-event-sources")
            #expect(reply.status == 200)
            #expect((reply.json["extension"] as? [String: Any])?["alias"] as? String == "portwatch-event-sources")
        }
    }
}
