import EventSources
import Testing

@testable import PortwatchConfig

struct ConfigFileTests {
    @Test func everySectionIsRead() throws {
        let file = try ConfigFile(
            text: """
                # Portwatch
                event_sources:
                  alertmanager:
                    alert_names: [LeafDown]
                    key_faults_by_alert_name: false
                    labels:
                      switch: [device_name]
                      host: [node]
                  onos:
                    devices: {"of:0000000000000a01": leaf-a1}
                    port_names: ["Ethernet{n}"]
                  opendaylight:
                    devices: {"openflow:2561": leaf-a2}
                  doctor:
                    host_fault_types: [compute.host.down, host.unreachable]
                ovsdb:
                  - compute-1=tcp:10.0.0.5:6640
                ovsdb_probe_interval: 5
                """, path: "portwatch.yaml")
        #expect(file.alertmanager.alertNames == ["LeafDown"])
        #expect(file.alertmanager.keyFaultsByAlertName == false)
        #expect(file.alertmanager.labels.switchLabels == ["device_name"])
        #expect(file.alertmanager.labels.hostLabels == ["node"])
        #expect(file.alertmanager.labels.switchPortNameLabels == AlertLabelMapping().switchPortNameLabels)
        #expect(file.onos.deviceSwitchIDs == ["of:0000000000000a01": "leaf-a1"])
        #expect(file.onos.portNameTemplates == ["Ethernet{n}"])
        #expect(file.opendaylight.deviceSwitchIDs == ["openflow:2561": "leaf-a2"])
        #expect(file.doctor.hostFaultTypes == ["compute.host.down", "host.unreachable"])
        #expect(file.doctor.interfaceFaultTypes == DoctorAdapter.Options().interfaceFaultTypes)
        #expect(file.ovsdb == ["compute-1=tcp:10.0.0.5:6640"])
        #expect(file.ovsdbProbeInterval == 5)
        #expect(try ConfigFile(text: "").ovsdb.isEmpty)
    }

    @Test(arguments: [
        ("event_sources:\n  alertmanager:\n    lables: {}\n", 3, "event_sources.alertmanager.lables: unknown key"),
        ("evnt_sources: {}\n", 1, "evnt_sources: unknown key"),
        ("event_sources:\n  onos:\n    port_names: [Ethernet]\n", 3, "event_sources.onos.port_names: 'Ethernet' has no {n}"),
        ("event_sources:\n  alertmanager:\n    key_faults_by_alert_name: maybe\n", 3, "must be true or false"),
        ("ovsdb: tcp:1.2.3.4:6640\n", 1, "ovsdb: must be a list of strings"),
        ("ovsdb_probe_interval: 0\n", 1, "ovsdb_probe_interval: must be a number of seconds"),
        ("- a\n", 1, "the file: must be a mapping"),
    ])
    func mistakesNameTheKeyAndLine(_ text: String, _ line: Int, _ message: String) {
        do {
            _ = try ConfigFile(text: text, path: "portwatch.yaml")
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.line == line, "\(error)")
            #expect(error.description.contains(message), "\(error)")
            #expect(error.description.hasPrefix("portwatch.yaml, line \(line): "))
        }
    }
}
