// PortwatchServer
