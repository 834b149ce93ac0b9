package io.tributary.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.ChildServer;
import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * A server killed with SIGKILL in the middle of delivering a trigger (defined in its triggers file) and
 * started again on the same data directory: every record reaches the function, and the only records
 * delivered twice are those of the batch each shard had in flight.
 */
class TriggerRestartTest {
  private static final int RECORDS = 4_000;
  private static final int BATCH = 20;
  private static final int SHARDS = 2;

  @Test
  void aKilledServerResumesWhereDeliveryStopped(@TempDir Path dir) throws Exception {
    try (FunctionServer function = new FunctionServer()) {
      function.delay(20);
      Path triggersFile = dir.resolve("triggers.json");
      Files.writeString(triggersFile, new JsonArray().add(new JsonObject()
          .put("UUID", "6f1c2a52-8d3e-4b7a-9c1d-2e3f4a5b6c7d")
          .put("EventSourceArn", "arn:aws:kinesis:us-east-1:000000000000:stream/restarted")
          .put("TargetUrl", function.url())
          .put("StartingPosition", "TRIM_HORIZON")
          .put("BatchSize", BATCH)).encode());
      Map<String, String> environment = Map.of("TRIBUTARY_TRIGGERS_FILE", triggersFile.toString(),
          "TRIBUTARY_TRIGGERS_RETRY_INITIAL_MS", "20", "TRIBUTARY_TRIGGERS_POLL_MS", "200", "TRIBUTARY_TRIGGERS_SCAN_MS", "200");
      Path data = Files.createDirectory(dir.resolve("data"));

      ChildServer first = ChildServer.start(data, environment);
      KinesisClient kinesis = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, first.endpoint());
      kinesis.createStream(b -> b.streamName("restarted").shardCount(SHARDS));
      kinesis.waiter().waitUntilStreamExists(b -> b.streamName("restarted"));
      for (int from = 0; from < RECORDS; from += 500) {
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = from; i < from + 500; i++) {
          entries.add(PutRecordsRequestEntry.builder().partitionKey("key" + (i % 97))
              .data(SdkBytes.fromString("record-" + i, StandardCharsets.UTF_8)).build());
        }
        assertEquals(0, kinesis.putRecords(b -> b.streamName("restarted").records(entries)).failedRecordCount());
      }
      FunctionServer.await(Duration.ofSeconds(60), () -> function.delivered().size() >= RECORDS / 4);
      int beforeKill = function.delivered().size();
      assertTrue(beforeKill >= RECORDS / 4 && beforeKill < RECORDS, "killed mid-delivery: " + beforeKill);
      first.kill();

      ChildServer second = ChildServer.start(data, environment);
      try {
        FunctionServer.await(Duration.ofSeconds(90), () -> distinct(function.delivered()).size() >= RECORDS);
      } finally {
        second.close();
      }
      List<String> delivered = function.delivered();
      Map<String, Long> counts = delivered.stream().collect(Collectors.groupingBy(value -> value, HashMap::new, Collectors.counting()));
      assertEquals(RECORDS, counts.size(), "no record skipped");
      long duplicates = delivered.size() - RECORDS;
      assertTrue(duplicates <= (long) SHARDS * BATCH, "duplicates only of the batches in flight: " + duplicates);
      assertTrue(counts.values().stream().allMatch(count -> count <= 2), "no record delivered more than twice");
    }
  }

  private static java.util.Set<String> distinct(List<String> values) {
    return new java.util.HashSet<>(values);
  }
}
