import NIOCore
import Testing

@testable import AMQP

struct ConfigurationURLTests {
    @Test func fullURL() throws {
        let configuration = try AMQPConfiguration(
            url: "amqp://user:p%40ss%3Aword@broker.example:5673/prod?heartbeat=15")
        #expect(configuration.host == "broker.example")
        #expect(configuration.port == 5673)
        #expect(configuration.username == "user")
        #expect(configuration.password == "p@ss:word")
        #expect(configuration.virtualHost == "prod")
        #expect(configuration.heartbeat == 15)
    }

    @Test func defaults() throws {
        let configuration = try AMQPConfiguration(url: "amqp://rabbit")
        #expect(configuration.host == "rabbit")
        #expect(configuration.port == 5672)
        #expect(configuration.username == "guest" && configuration.password == "guest")
        #expect(configuration.virtualHost == "/")
        #expect(configuration.heartbeat == 60)
    }

    @Test(arguments: [
        "amqp://guest:guest@127.0.0.1:5673/", "amqp://guest:guest@127.0.0.1:5673",
        "amqp://guest:guest@127.0.0.1:5673/%2F", "amqp://guest:guest@127.0.0.1:5673/%2f",
    ])
    func rootVirtualHost(url: String) throws {
        let configuration = try AMQPConfiguration(url: url)
        #expect(configuration.virtualHost == "/")
        #expect(configuration.port == 5673)
    }

    @Test func encodedVirtualHostAndIPv6() throws {
        let configuration = try AMQPConfiguration(
            url: "AMQP://[::1]:5600/%2Fneutron?frame_max=4096&channel_max=10&connection_timeout=2500&connection_name=pw"
        )
        #expect(configuration.host == "::1")
        #expect(configuration.port == 5600)
        #expect(configuration.virtualHost == "/neutron")
        #expect(configuration.frameMax == 4096)
        #expect(configuration.channelMax == 10)
        #expect(configuration.connectTimeout == .milliseconds(2500))
        #expect(configuration.connectionName == "pw")
    }

    @Test func userWithoutPasswordAndEmptyHost() throws {
        let configuration = try AMQPConfiguration(url: "amqp://alice@/vh")
        #expect(configuration.username == "alice")
        #expect(configuration.password == "guest")
        #expect(configuration.host == "localhost")
        #expect(configuration.virtualHost == "vh")
    }

    @Test(arguments: [
        "http://host/", "amqps://host/", "amqp://host:notaport/", "amqp://host:70000/", "amqp://host/a/b",
        "amqp://host/%zz", "amqp://host/?heartbeat=abc", "amqp://[::1/",
    ])
    func invalid(url: String) throws {
        let error = #expect(throws: AMQPError.self) { try AMQPConfiguration(url: url) }
        #expect(error?.code == .invalidURL)
    }

    @Test func errorsDoNotLeakThePassword() throws {
        let error = #expect(throws: AMQPError.self) { try AMQPConfiguration(url: "amqp://u:secret@host:bad/") }
        #expect(error?.message.contains("secret") == false)
        #expect(try AMQPConfiguration(url: "amqp://u:secret@host/").description.contains("secret") == false)
    }
}
