package io.tributary.bridge;

import static io.tributary.bridge.MirrorFixture.assertExactlyOnceInOrder;
import static io.tributary.bridge.MirrorFixture.await;
import static io.tributary.bridge.MirrorFixture.count;
import static io.tributary.bridge.MirrorFixture.keys;
import static io.tributary.bridge.MirrorFixture.management;
import static io.tributary.bridge.MirrorFixture.produce;
import static io.tributary.bridge.MirrorFixture.putRecords;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The broker stopped and started again while both directions mirror: the Kinesis API keeps answering
 * fast, both mirrors report themselves unhealthy (status and metrics), and once the broker is back they
 * resume and every record is on the other side exactly once, in per-key order.
 */
class BrokerOutageTest {
  @RegisterExtension
  static final BridgeTestBed BED = BridgeTestBed.with(Map.of("kafka.client.delivery.timeout.ms", "6000", "kafka.client.request.timeout.ms", "3000"), new NewTopic("outage-in", 3, (short) 1));

  @Test
  void mirrorsWaitWhileTheBrokerIsDownAndResumeWithNothingLostOrDuplicated() throws Exception {
    BED.kinesis().createStream(b -> b.streamName("outage-src").shardCount(2));
    BED.kinesis().createStream(b -> b.streamName("outage-dst").shardCount(2));
    int port = BED.server().managementPort();
    assertEquals(201, management(port, "POST", "/mirrors", new JsonObject().put("name", "out")
        .put("direction", "STREAM_TO_TOPIC").put("stream", "outage-src").put("topic", "outage-out")).status());
    assertEquals(201, management(port, "POST", "/mirrors", new JsonObject().put("name", "in")
        .put("direction", "TOPIC_TO_STREAM").put("stream", "outage-dst").put("topic", "outage-in")).status());
    List<String> keys = keys("o", 20);

    putRecords(BED.kinesis(), "outage-src", keys, 0, 50);
    produce(BED.broker().bootstrapServers(), "outage-in", keys, 0, 50);
    await("both mirrors to catch up", Duration.ofSeconds(30),
        () -> MirrorFixture.readTopic(BED.broker().bootstrapServers(), "outage-out").size() == 1000
            && count(MirrorFixture.streamByKey(BED.kinesis(), "outage-dst")) == 1000);

    BED.broker().stop();
    long slowest = 0;
    for (int n = 50; n < 100; n += 10) {
      long started = System.nanoTime();
      putRecords(BED.kinesis(), "outage-src", keys, n, 10);
      assertEquals(1000, count(MirrorFixture.streamByKey(BED.kinesis(), "outage-dst")));
      slowest = Math.max(slowest, (System.nanoTime() - started) / 1_000_000);
    }
    assertTrue(slowest < 2_000, "puts and gets while Kafka is down took up to " + slowest + " ms");
    await("both mirrors to report themselves unhealthy", Duration.ofSeconds(40),
        () -> !management(port, "GET", "/mirrors/out", null).body().getBoolean("healthy")
            && !management(port, "GET", "/mirrors/in", null).body().getBoolean("healthy"));
    String metrics = MirrorFixture.metrics(port);
    assertTrue(metrics.contains("tributary_mirror_healthy{direction=\"STREAM_TO_TOPIC\",mirror=\"out\"} 0.0"), metrics);
    assertTrue(metrics.contains("tributary_mirror_healthy{direction=\"TOPIC_TO_STREAM\",mirror=\"in\"} 0.0"), metrics);
    assertTrue(management(port, "GET", "/mirrors/out", null).body().getLong("errors") > 0);

    BED.broker().restart();
    produce(BED.broker().bootstrapServers(), "outage-in", keys, 50, 50);
    await("both mirrors to catch up after the outage", Duration.ofSeconds(60),
        () -> MirrorFixture.readTopic(BED.broker().bootstrapServers(), "outage-out").size() >= 2000
            && count(MirrorFixture.streamByKey(BED.kinesis(), "outage-dst")) >= 2000);
    Thread.sleep(300);  // a duplicate would show up after the last record
    assertExactlyOnceInOrder(MirrorFixture.topicByKey(BED.broker().bootstrapServers(), "outage-out"), keys, 100);
    assertExactlyOnceInOrder(MirrorFixture.streamByKey(BED.kinesis(), "outage-dst"), keys, 100);
    await("both mirrors healthy again", Duration.ofSeconds(10),
        () -> management(port, "GET", "/mirrors/out", null).body().getBoolean("healthy")
            && management(port, "GET", "/mirrors/in", null).body().getBoolean("healthy"));
  }
}
