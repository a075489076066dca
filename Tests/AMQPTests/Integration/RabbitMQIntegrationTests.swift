import Testing

/// Tests against a real broker. Serialized as a whole: they share the `neutron` exchange and the
/// `notifications.info` routing key, so a probe queue of one test would also count another's messages.
@Suite(.enabled(if: RabbitMQ.isAvailable, "set PORTWATCH_TEST_AMQP_URL"), .serialized)
struct RabbitMQIntegrationTests {}
