package io.tributary.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.embedded.EmbeddedTributary;
import io.tributary.junit.TributaryExtension;
import io.tributary.support.PrometheusScrape;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/** Durable storage's metrics on a live server: fsync latency, and bytes and segments per stream. */
class StorageMetricsTest {
  @RegisterExtension
  static final TributaryExtension KINESIS = new TributaryExtension(EmbeddedTributary.builder().temporaryDirectory()
      .setting("fsync", "always").setting("log.segment.bytes", "4096"));

  @Test
  void fsyncsAreTimedAndEachStreamsSegmentsCounted(KinesisClient kinesis, EmbeddedTributary server) throws Exception {
    kinesis.createStream(b -> b.streamName("stored").shardCount(2));
    byte[] data = new byte[1000];
    // Ten puts of 1,000 bytes to one shard roll its 4 KiB segments at least twice.
    for (int i = 0; i < 10; i++) {
      kinesis.putRecord(b -> b.streamName("stored").partitionKey("same").data(SdkBytes.fromByteArray(data)));
    }
    kinesis.putRecord(b -> b.streamName("stored").partitionKey("other").data(SdkBytes.fromString("x", StandardCharsets.UTF_8)));
    Map<String, String> tags = Map.of("account", "000000000000", "region", "us-east-1", "stream", "stored");

    PrometheusScrape metrics = PrometheusScrape.of(server.managementEndpoint());
    double fsyncs = metrics.sum("tributary_storage_fsync_seconds_count", Map.of());
    assertTrue(fsyncs >= 11, "one fsync per acknowledged put at least, was " + fsyncs);
    assertTrue(metrics.has("tributary_storage_fsync_seconds_bucket", Map.of("le", "0.001")));
    double bytes = metrics.sum("tributary_storage_bytes", tags);
    assertTrue(bytes >= 10 * 1000 + 1 && bytes < 10 * 1000 + 1 + 4096, "record batches with their headers, was " + bytes);
    double segments = metrics.sum("tributary_storage_segments", tags);
    assertTrue(segments >= 2 + 2, "two shards, one of them rolled at least twice, was " + segments);

    kinesis.deleteStream(b -> b.streamName("stored"));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (PrometheusScrape.of(server.managementEndpoint()).has("tributary_storage_bytes", tags)
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertFalse(PrometheusScrape.of(server.managementEndpoint()).has("tributary_storage_bytes", tags),
        "a deleted stream's storage series are gone");
    assertEquals(0, PrometheusScrape.of(server.managementEndpoint()).sum("tributary_storage_segments", tags));
  }
}
