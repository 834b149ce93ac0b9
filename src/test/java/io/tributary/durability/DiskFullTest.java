package io.tributary.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.ChildServer;
import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * A full disk under the real server, through the AWS SDK: the server runs with the test-only disk-full
 * injection, and the test "fills" the disk by creating the flag file and "frees" it by deleting it. Puts
 * fail with InternalFailure (which the SDK's own retries ride out), reads go on, writes resume without a
 * restart, and after a SIGKILL every acknowledged record is there, in order, and no failed one is.
 */
class DiskFullTest {
  private static final String STREAM = "diskfull";

  /** Acknowledged records in put order: data → sequence number. */
  private final Map<String, String> acknowledged = new LinkedHashMap<>();
  private final List<String> failed = new ArrayList<>();
  private int counter;

  @Test
  void putsFailRetryablyWhileTheDiskIsFullAndNothingFailedEverAppears(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    Path diskFull = dir.resolve("disk-full");
    Map<String, String> environment = new HashMap<>(Map.of("TRIBUTARY_FSYNC", "always",
        "TRIBUTARY_LOG_OFFLINE_RETRY_MS", "50", "TRIBUTARY_LOG_OFFLINE_RETRY_MAX_MS", "200",
        "TRIBUTARY_LOG_FAULT_INJECTION_DISK_FULL_FILE", diskFull.toString()));
    ChildServer server = ChildServer.start(data, environment);
    try {
      KinesisClient client = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, server.endpoint());
      client.createStream(b -> b.streamName(STREAM).shardCount(1));
      awaitActive(client);
      assertEquals(0, putRecords(client, 20));

      Files.createFile(diskFull);
      KinesisException refused = assertThrows(KinesisException.class, () -> client.putRecord(b -> b.streamName(STREAM)
          .partitionKey("k").data(SdkBytes.fromUtf8String("refused"))));
      failed.add("refused");
      assertEquals(500, refused.statusCode());
      assertEquals("InternalFailure", refused.awsErrorDetails().errorCode());
      assertEquals(10, putRecords(client, 10), "every record of a PutRecords fails while the disk is full");
      assertEquals(List.copyOf(acknowledged.keySet()), readAll(client), "reads go on");

      try (KinesisClient retrying = retryingClient(server.endpoint())) {
        long started = System.nanoTime();
        CompletableFuture<String> riding = CompletableFuture.supplyAsync(() -> retrying.putRecord(b -> b
            .streamName(STREAM).partitionKey("k").data(SdkBytes.fromUtf8String("retried"))).sequenceNumber());
        Thread.sleep(300);
        Files.delete(diskFull);
        acknowledged.put("retried", riding.get(30, TimeUnit.SECONDS));
        System.out.printf("A PutRecord sent while the disk was full succeeded through the SDK's retries after %d ms%n",
            (System.nanoTime() - started) / 1_000_000);
      }
      assertEquals(0, putRecords(client, 10), "writes resume once space is freed, without a restart");

      Files.createFile(diskFull);
      assertEquals(10, putRecords(client, 10));
      server.kill();
      Files.delete(diskFull);
      server = ChildServer.start(data, environment);
      KinesisClient restarted = KinesisClients.of(ClientKind.SYNC_JSON_HTTP1, server.endpoint());
      List<String> found = readAll(restarted);
      assertEquals(List.copyOf(acknowledged.keySet()), found, "exactly the acknowledged records, in order");
      for (String lost : failed) assertTrue(!found.contains(lost), "a failed put is there: " + lost);
      assertEquals(0, putRecords(restarted, 5));
      assertEquals(List.copyOf(acknowledged.keySet()), readAll(restarted));
    } finally {
      server.close();
    }
  }

  /** Puts {@code count} new records; returns how many failed, each with InternalFailure. */
  private int putRecords(KinesisClient client, int count) {
    List<PutRecordsRequestEntry> entries = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      entries.add(PutRecordsRequestEntry.builder().partitionKey("k" + i)
          .data(SdkBytes.fromUtf8String("record-" + counter++)).build());
    }
    PutRecordsResponse response = client.putRecords(b -> b.streamName(STREAM).records(entries));
    for (int i = 0; i < count; i++) {
      PutRecordsResultEntry result = response.records().get(i);
      String data = entries.get(i).data().asUtf8String();
      if (result.errorCode() == null) {
        acknowledged.put(data, result.sequenceNumber());
      } else {
        assertEquals("InternalFailure", result.errorCode());
        failed.add(data);
      }
    }
    return response.failedRecordCount();
  }

  /** The shard's records' data in order, checking each acknowledged one has its sequence number. */
  private List<String> readAll(KinesisClient client) {
    String shardId = client.listShards(b -> b.streamName(STREAM)).shards().get(0).shardId();
    String iterator = client.getShardIterator(b -> b.streamName(STREAM).shardId(shardId)
        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
    List<String> found = new ArrayList<>();
    BigInteger previous = BigInteger.ZERO;
    while (true) {
      String current = iterator;
      GetRecordsResponse page = client.getRecords(b -> b.shardIterator(current));
      for (Record record : page.records()) {
        BigInteger sequence = new BigInteger(record.sequenceNumber());
        assertTrue(sequence.compareTo(previous) > 0, "sequence numbers increase");
        previous = sequence;
        String data = record.data().asUtf8String();
        assertEquals(acknowledged.get(data), record.sequenceNumber(), "sequence number of " + data);
        found.add(data);
      }
      iterator = page.nextShardIterator();
      if (page.records().isEmpty()) return found;
    }
  }

  private static void awaitActive(KinesisClient client) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (client.describeStreamSummary(b -> b.streamName(STREAM)).streamDescriptionSummary().streamStatus()
        != StreamStatus.ACTIVE) {
      assertTrue(System.currentTimeMillis() < deadline, "stream not ACTIVE");
      Thread.sleep(20);
    }
  }

  /** A client with the SDK's standard retries (more attempts than its default of 3), as producers run. */
  private static KinesisClient retryingClient(URI endpoint) {
    return KinesisClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
            .maxAttempts(10).build()))
        .build();
  }
}
