package io.tributary.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.ChildServer;
import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ScalingType;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * SplitShard, MergeShards and UpdateShardCount in a loop under continuous puts, the real server killed
 * with SIGKILL at random moments, and in every other round a share of the catalog's writes failing as on a
 * full disk. After every restart: every acknowledged record is there exactly once, on the shard and with
 * the sequence number it was acknowledged with; the lineage is whole (every parent listed and closed, the
 * open shards tile the hash key space); no shard id ever names two different shards.
 *
 * <p>Rounds: {@code -Dreshard.crash.rounds} (8 here; {@code loadtest/reshard-crash.sh} runs more).
 */
class ReshardCrashTest {
  private static final String STREAM = "resharded";
  private static final BigInteger MAX_HASH_KEY = BigInteger.TWO.pow(128).subtract(BigInteger.ONE);
  private static final int MAX_OPEN_SHARDS = 6;

  /** Acknowledged records: data → where the put said it went. */
  private final Map<String, Placement> acknowledged = new ConcurrentHashMap<>();
  /** Every shard ever listed, by id: an id must always name the same range and parents. */
  private final Map<String, ShardIdentity> identities = new HashMap<>();
  private final AtomicInteger reshardsAccepted = new AtomicInteger();
  private final AtomicInteger reshardsRefused = new AtomicInteger();

  private record Placement(String shardId, String sequenceNumber) { }

  private record ShardIdentity(String startingHashKey, String endingHashKey, String parent, String adjacentParent) { }

  @Test
  void acknowledgedRecordsAndLineageSurviveCrashesDuringResharding(@TempDir Path dir) throws Exception {
    int rounds = Integer.getInteger("reshard.crash.rounds", 8);
    Path data = dir.resolve("data");
    Random random = new Random(Long.getLong("reshard.crash.seed", 20261202L));
    for (int round = 0; round < rounds; round++) {
      boolean failingWrites = round % 2 == 1;
      Map<String, String> environment = new HashMap<>(Map.of("TRIBUTARY_FSYNC", "always",
          "TRIBUTARY_STREAM_UPDATE_DELAY_MS", String.valueOf(random.nextInt(150)),
          "TRIBUTARY_FAULTS_SEED", String.valueOf(round)));
      if (failingWrites) environment.put("TRIBUTARY_FAULTS_CATALOG_WRITE_FAILURE", "0.3");
      ChildServer server = ChildServer.start(data, environment);
      KinesisClient client = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, server.endpoint());
      if (round == 0) client.createStream(b -> b.streamName(STREAM).shardCount(2));
      awaitActive(client);
      verify(client, "before round " + round);

      AtomicBoolean running = new AtomicBoolean(true);
      ExecutorService workers = Executors.newFixedThreadPool(3);
      for (int p = 0; p < 2; p++) {
        String producer = "r" + round + "p" + p;
        workers.submit(() -> produce(client, producer, running));
      }
      long seed = random.nextLong();
      workers.submit(() -> reshard(client, new Random(seed), running));
      Thread.sleep(600 + random.nextInt(1800));
      server.kill();
      running.set(false);
      workers.shutdown();
      assertTrue(workers.awaitTermination(60, TimeUnit.SECONDS));
    }
    ChildServer last = ChildServer.start(data, Map.of());
    try {
      KinesisClient client = KinesisClients.of(ClientKind.SYNC_JSON_HTTP1, last.endpoint());
      awaitActive(client);
      verify(client, "after the last restart");
      assertTrue(acknowledged.size() > 1000, "enough acknowledged records to mean something: " + acknowledged.size());
      assertTrue(reshardsAccepted.get() >= rounds / 2, "reshards accepted: " + reshardsAccepted.get());
      System.out.printf("%d rounds: %d acknowledged records all present once; %d reshards accepted, %d refused; "
          + "%d shard ids, none reused%n", rounds, acknowledged.size(), reshardsAccepted.get(), reshardsRefused.get(),
          identities.size());
    } finally {
      last.close();
    }
  }

  /** A split that was answered is carried out, even when the server dies before it could begin. */
  @Test
  void anAnsweredSplitSurvivesAKillBeforeItIsCarriedOut(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    ChildServer server = ChildServer.start(data, Map.of("TRIBUTARY_STREAM_UPDATE_DELAY_MS", "5000"));
    KinesisClient client = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, server.endpoint());
    client.createStream(b -> b.streamName(STREAM).shardCount(1));
    client.splitShard(b -> b.streamName(STREAM).shardToSplit("shardId-000000000000")
        .newStartingHashKey(BigInteger.TWO.pow(127).toString()));
    server.kill();

    ChildServer restarted = ChildServer.start(data, Map.of());
    try {
      KinesisClient after = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, restarted.endpoint());
      awaitActive(after);
      List<Shard> shards = after.listShards(b -> b.streamName(STREAM)).shards();
      assertEquals(List.of("shardId-000000000000", "shardId-000000000001", "shardId-000000000002"),
          shards.stream().map(Shard::shardId).toList());
      assertNotNull(shards.get(0).sequenceNumberRange().endingSequenceNumber(), "the parent is closed");
      assertEquals("shardId-000000000000", shards.get(2).parentShardId());
      checkLineage(shards, Map.of(shards.get(0).shardId(), shards.get(0)), "after the restart");
    } finally {
      restarted.close();
    }
  }

  private void produce(KinesisClient client, String producer, AtomicBoolean running) {
    int counter = 0;
    while (running.get()) {
      List<PutRecordsRequestEntry> entries = new ArrayList<>();
      for (int i = 0; i < 25; i++) {
        entries.add(PutRecordsRequestEntry.builder().partitionKey(producer + "-" + counter)
            .data(SdkBytes.fromUtf8String(producer + "/" + counter++)).build());
      }
      try {
        PutRecordsResponse response = client.putRecords(b -> b.streamName(STREAM).records(entries));
        for (int i = 0; i < entries.size(); i++) {
          PutRecordsResultEntry result = response.records().get(i);
          if (result.errorCode() == null) {
            acknowledged.put(entries.get(i).data().asUtf8String(), new Placement(result.shardId(), result.sequenceNumber()));
          }
        }
      } catch (RuntimeException failedOrKilled) {
        if (!running.get()) return;  // the server is gone; nothing of this call was acknowledged
      }
    }
  }

  /** Splits, merges and rescales at random, each once the stream is ACTIVE again; refusals are expected. */
  private void reshard(KinesisClient client, Random random, AtomicBoolean running) {
    while (running.get()) {
      try {
        if (!awaitActive(client, running)) return;
        List<Shard> open = client.listShards(b -> b.streamName(STREAM)).shards().stream()
            .filter(shard -> shard.sequenceNumberRange().endingSequenceNumber() == null)
            .sorted(Comparator.comparing(shard -> new BigInteger(shard.hashKeyRange().startingHashKey())))
            .toList();
        int choice = random.nextInt(3);
        if (choice == 0 && open.size() < MAX_OPEN_SHARDS) {
          Shard shard = open.get(random.nextInt(open.size()));
          BigInteger start = new BigInteger(shard.hashKeyRange().startingHashKey());
          BigInteger end = new BigInteger(shard.hashKeyRange().endingHashKey());
          String middle = start.add(end).shiftRight(1).toString();
          client.splitShard(b -> b.streamName(STREAM).shardToSplit(shard.shardId()).newStartingHashKey(middle));
        } else if (choice == 1 && open.size() > 1) {
          int place = random.nextInt(open.size() - 1);
          client.mergeShards(b -> b.streamName(STREAM).shardToMerge(open.get(place).shardId())
              .adjacentShardToMerge(open.get(place + 1).shardId()));
        } else {
          int target = open.size() >= MAX_OPEN_SHARDS || (open.size() > 1 && random.nextBoolean())
              ? open.size() - 1 : open.size() + 1;
          client.updateShardCount(b -> b.streamName(STREAM).targetShardCount(target)
              .scalingType(ScalingType.UNIFORM_SCALING));
        }
        reshardsAccepted.incrementAndGet();
      } catch (RuntimeException refusedOrKilled) {
        if (!running.get()) return;
        reshardsRefused.incrementAndGet();
      }
    }
  }

  private static void awaitActive(KinesisClient client) {
    awaitActive(client, new AtomicBoolean(true));
  }

  /** Waits for the stream to be ACTIVE; false when told to stop first (the server was killed). */
  private static boolean awaitActive(KinesisClient client, AtomicBoolean running) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (!running.get()) return false;
      try {
        if (client.describeStreamSummary(b -> b.streamName(STREAM)).streamDescriptionSummary().streamStatus()
            == StreamStatus.ACTIVE) {
          return true;
        }
      } catch (RuntimeException notYet) {
        // an injected catalog failure is not a reason to stop waiting
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("stream not ACTIVE within 30 s");
  }

  private void verify(KinesisClient client, String when) {
    List<Shard> shards = client.listShards(b -> b.streamName(STREAM)).shards();
    Map<String, Shard> byId = new HashMap<>();
    for (Shard shard : shards) byId.put(shard.shardId(), shard);
    checkLineage(shards, byId, when);

    Map<String, Placement> found = new HashMap<>();
    for (Shard shard : shards) {
      String iterator = client.getShardIterator(b -> b.streamName(STREAM).shardId(shard.shardId())
          .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
      BigInteger previous = BigInteger.ZERO;
      while (iterator != null) {
        String current = iterator;
        GetRecordsResponse page = client.getRecords(b -> b.shardIterator(current));
        for (Record record : page.records()) {
          BigInteger sequence = new BigInteger(record.sequenceNumber());
          assertTrue(sequence.compareTo(previous) > 0, "sequence numbers increase in " + shard.shardId());
          previous = sequence;
          Placement earlier = found.put(record.data().asUtf8String(), new Placement(shard.shardId(), record.sequenceNumber()));
          assertNull(earlier, when + ": record stored twice: " + record.data().asUtf8String());
        }
        if (page.records().isEmpty()) break;
        iterator = page.nextShardIterator();
      }
    }
    for (Map.Entry<String, Placement> record : acknowledged.entrySet()) {
      assertEquals(record.getValue(), found.get(record.getKey()), when + ": acknowledged record " + record.getKey());
    }
  }

  /** Parents listed and closed, children inside their parents' ranges, open shards tiling the key space. */
  private void checkLineage(List<Shard> shards, Map<String, Shard> byId, String when) {
    List<Shard> open = new ArrayList<>();
    for (Shard shard : shards) {
      ShardIdentity identity = new ShardIdentity(shard.hashKeyRange().startingHashKey(),
          shard.hashKeyRange().endingHashKey(), shard.parentShardId(), shard.adjacentParentShardId());
      ShardIdentity earlier = identities.putIfAbsent(shard.shardId(), identity);
      assertTrue(earlier == null || earlier.equals(identity), when + ": shard id " + shard.shardId()
          + " reused: was " + earlier + ", now " + identity);
      if (shard.sequenceNumberRange().endingSequenceNumber() == null) open.add(shard);
      for (String parentId : new String[] {shard.parentShardId(), shard.adjacentParentShardId()}) {
        if (parentId == null) continue;
        Shard parent = byId.get(parentId);
        assertNotNull(parent, when + ": parent " + parentId + " of " + shard.shardId() + " is listed");
        assertNotNull(parent.sequenceNumberRange().endingSequenceNumber(), when + ": parent " + parentId + " is closed");
      }
      if (shard.parentShardId() != null && shard.adjacentParentShardId() == null) {
        Shard parent = byId.get(shard.parentShardId());
        assertTrue(new BigInteger(shard.hashKeyRange().startingHashKey())
                .compareTo(new BigInteger(parent.hashKeyRange().startingHashKey())) >= 0
            && new BigInteger(shard.hashKeyRange().endingHashKey())
                .compareTo(new BigInteger(parent.hashKeyRange().endingHashKey())) <= 0,
            when + ": split child " + shard.shardId() + " lies within its parent");
      }
    }
    open.sort(Comparator.comparing(shard -> new BigInteger(shard.hashKeyRange().startingHashKey())));
    BigInteger next = BigInteger.ZERO;
    for (Shard shard : open) {
      assertEquals(next, new BigInteger(shard.hashKeyRange().startingHashKey()), when + ": open shards tile the key space");
      next = new BigInteger(shard.hashKeyRange().endingHashKey()).add(BigInteger.ONE);
    }
    assertEquals(MAX_HASH_KEY.add(BigInteger.ONE), next, when + ": open shards cover the key space");
  }
}
