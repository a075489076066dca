// PortwatchStore
