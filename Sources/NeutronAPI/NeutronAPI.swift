// NeutronAPI
