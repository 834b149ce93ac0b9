package io.tributary.bench;

import io.tributary.embedded.EmbeddedTributary;
import io.tributary.log.RecordSize;
import io.tributary.metrics.StreamMeters;
import io.tributary.metrics.StreamMetrics;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.tributary.stream.StreamKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.MetricsName;

/**
 * What the CloudWatch-named metrics cost a PutRecords call, in process: the recording a call of 500 records
 * over 4 shards makes (the handler's and the appender's look-ups, per-shard IncomingBytes/Records, the
 * PutRecords.* counters and latency, and the byte counts over the records), timed over many calls on one
 * thread, without and with enhanced monitoring of every shard-level metric. Compare the figure with the
 * CPU a PutRecords call takes on this machine (2 cores at about 1,500 calls/s: about 1.3 ms).
 *
 * <p>Run: {@code mvn -B -o -q test-compile && java -cp target/classes:target/test-classes:$(cat cp.txt)
 * io.tributary.bench.MetricsOverheadBenchmark} after {@code mvn dependency:build-classpath -Dmdep.outputFile=cp.txt}.
 */
public final class MetricsOverheadBenchmark {
  private static final int RECORDS = 500;
  private static final int CALLS = 400_000;
  private static final int ROUNDS = 3;

  public static void main(String[] args) {
    try (EmbeddedTributary server = EmbeddedTributary.start()) {
      KinesisClient client = KinesisClient.builder().endpointOverride(server.endpoint()).region(Region.US_EAST_1)
          .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b"))).build();
      client.createStream(b -> b.streamName("plain").shardCount(4));
      client.createStream(b -> b.streamName("monitored").shardCount(4));
      client.enableEnhancedMonitoring(b -> b.streamName("monitored").shardLevelMetrics(MetricsName.ALL));
      StreamMetrics metrics = server.server().services().streamMetrics();
      for (int round = 0; round < ROUNDS; round++) for (String name : List.of("plain", "monitored")) {
        StreamDescriptor stream = server.server().services().registry().find(new StreamKey("000000000000", "us-east-1", name));
        double nanosPerCall = run(metrics, stream);
        System.out.printf("%-10s %,8.0f ns per PutRecords call of %d records over 4 shards, %6.2f ns per record%n",
            name, nanosPerCall, RECORDS, nanosPerCall / RECORDS);
      }
    }
  }

  private static double run(StreamMetrics metrics, StreamDescriptor stream) {
    Random random = new Random(1);
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < RECORDS; i++) {
      StringBuilder key = new StringBuilder();
      for (int c = 0; c < 16; c++) key.append((char) ('a' + random.nextInt(26)));
      keys.add(key.toString());
    }
    byte[] data = new byte[100];
    List<ShardDescriptor> shards = stream.openShards();
    long started = System.nanoTime();
    long sink = 0;
    for (int call = 0; call < CALLS; call++) {
      long callStarted = System.nanoTime();
      // RecordAppender: one look-up and one incoming() per shard, bytes summed over its records.
      for (int s = 0; s < shards.size(); s++) {
        long bytes = 0;
        for (int r = s; r < RECORDS; r += shards.size()) bytes += RecordSize.of(keys.get(r), data.length);
        metrics.of(stream).incoming(stream, shards.get(s), RECORDS / shards.size(), bytes);
        sink += bytes;
      }
      // PutRecordsHandler: one look-up, a pass over the records' outcomes, the PutRecords.* meters.
      int successful = 0;
      for (int r = 0; r < RECORDS; r++) if (keys.get(r) != null) successful++;
      StreamMeters meters = metrics.of(stream);
      meters.putRecords(System.nanoTime() - callStarted, RECORDS, successful, 0, 0, sink);
    }
    double nanos = (double) (System.nanoTime() - started) / CALLS;
    if (sink == 42) System.out.println();
    return nanos;
  }
}
