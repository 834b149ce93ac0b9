package io.tributary.support;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/** Reads a shard through GetRecords, as a consumer catching up would. */
public final class ShardReads {
  private ShardReads() { }

  /**
   * {@link #readAll} once it holds at least the expected records (or 15 s have passed): a replicated shard's
   * follower applies a commit when its leader next tells it, a moment after the leader acknowledged the put.
   */
  public static List<String> readAllOnce(KinesisClient client, String stream, String shardId, List<String> expected)
      throws InterruptedException {
    long deadline = System.nanoTime() + 15_000_000_000L;
    while (true) {
      List<String> read = readAll(client, stream, shardId);
      if (read.size() >= expected.size() || System.nanoTime() > deadline) return read;
      Thread.sleep(100);
    }
  }

  /** Every record's data from TRIM_HORIZON to the tip, in the shard's order. */
  public static List<String> readAll(KinesisClient client, String stream, String shardId) {
    List<String> read = new ArrayList<>();
    String iterator = client.getShardIterator(b -> b.streamName(stream).shardId(shardId)
        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
    while (true) {
      String from = iterator;
      GetRecordsResponse page = client.getRecords(b -> b.shardIterator(from));
      page.records().forEach(record -> read.add(record.data().asUtf8String()));
      iterator = page.nextShardIterator();
      if (page.records().isEmpty() && page.millisBehindLatest() == 0) return read;
    }
  }
}
