package io.tributary.bench;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * What forwarding adds to one call: sequential calls from the AWS SDK for Java v2 (sync, Apache HTTP client,
 * CBOR) through one node, alternately to a shard that node owns and to a shard another node owns, each call
 * timed from issue to answer. PutRecord picks its shard by ExplicitHashKey (the first hash key of the shard);
 * GetRecords reads the same small page (Limit 10, from TRIM_HORIZON) again and again with one iterator, so
 * that every call does the same work.
 */
final class ForwardingLatency implements AutoCloseable {
  /** Latencies (microseconds) of the calls to the local and to the remote shard, and the calls that failed. */
  record Pair(Histogram local, Histogram remote, long errors) { }

  private final KinesisClient kinesis;

  ForwardingLatency(String host, int port) {
    kinesis = KinesisClient.builder()
        .endpointOverride(URI.create("http://" + host + ":" + port))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDBENCH", "secret")))
        .httpClientBuilder(ApacheHttpClient.builder().maxConnections(4))
        .overrideConfiguration(o -> o.retryPolicy(RetryPolicy.none()).apiCallTimeout(Duration.ofSeconds(30)))
        .build();
  }

  /** PutRecord of {@code recordBytes} bytes, {@code calls} to each shard after {@code warmup} to each. */
  Pair putRecord(String stream, String localShard, String remoteShard, int warmup, int calls, int recordBytes) {
    List<Shard> shards = kinesis.listShards(b -> b.streamName(stream)).shards();
    String localKey = startingHashKey(shards, localShard);
    String remoteKey = startingHashKey(shards, remoteShard);
    SplittableRandom random = new SplittableRandom(20260102L);
    byte[] data = new byte[recordBytes];
    random.nextBytes(data);
    SdkBytes bytes = SdkBytes.fromByteArray(data);
    return alternate(warmup, calls,
        () -> put(stream, localKey, bytes, localShard),
        () -> put(stream, remoteKey, bytes, remoteShard));
  }

  /** GetRecords of one small page, {@code calls} to each shard after {@code warmup} to each. */
  Pair getRecords(String stream, String localShard, String remoteShard, int warmup, int calls) {
    String localIterator = iterator(stream, localShard);
    String remoteIterator = iterator(stream, remoteShard);
    return alternate(warmup, calls, () -> read(localIterator), () -> read(remoteIterator));
  }

  private void put(String stream, String hashKey, SdkBytes data, String expectedShard) {
    String shard = kinesis.putRecord(b -> b.streamName(stream).partitionKey("p").explicitHashKey(hashKey).data(data))
        .shardId();
    if (!expectedShard.equals(shard)) throw new IllegalStateException("record went to " + shard + ", not " + expectedShard);
  }

  private void read(String iterator) {
    if (kinesis.getRecords(b -> b.shardIterator(iterator).limit(10)).records().isEmpty()) {
      throw new IllegalStateException("an empty page: the shard should hold records");
    }
  }

  private String iterator(String stream, String shardId) {
    return kinesis.getShardIterator(b -> b.streamName(stream).shardId(shardId)
        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
  }

  private static String startingHashKey(List<Shard> shards, String shardId) {
    return shards.stream().filter(s -> s.shardId().equals(shardId)).findFirst()
        .orElseThrow(() -> new IllegalStateException("no shard " + shardId))
        .hashKeyRange().startingHashKey();
  }

  /** Local and remote calls in turn, the first of each pair swapped every round so neither always leads. */
  private static Pair alternate(int warmup, int calls, Runnable local, Runnable remote) {
    Histogram localMicros = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
    Histogram remoteMicros = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
    long errors = 0;
    for (int i = 0; i < warmup + calls; i++) {
      boolean measured = i >= warmup;
      boolean localFirst = i % 2 == 0;
      for (int leg = 0; leg < 2; leg++) {
        boolean isLocal = (leg == 0) == localFirst;
        long started = System.nanoTime();
        try {
          (isLocal ? local : remote).run();
        } catch (RuntimeException e) {
          errors++;
          continue;
        }
        long micros = Math.max(1, (System.nanoTime() - started) / 1000);
        if (measured) (isLocal ? localMicros : remoteMicros).recordValue(Math.min(micros, localMicros.getHighestTrackableValue()));
      }
    }
    return new Pair(localMicros, remoteMicros, errors);
  }

  @Override
  public void close() {
    kinesis.close();
  }
}
