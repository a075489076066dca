import PortwatchCore

/// Foundation on Linux also has a `Port` (NSPort); in this module the name means a Neutron port.
typealias Port = PortwatchCore.Port
