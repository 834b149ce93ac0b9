package io.tributary.api;

import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;

/** AWS's answers to a call or record over a shard's throughput. */
public final class Throttling {
  public static final String ERROR = "ProvisionedThroughputExceededException";

  private Throttling() { }

  /** PutRecord(s) and GetShardIterator: {@code Rate exceeded for shard <id> in stream <name> under account <id>.} */
  public static String shardRateExceeded(String shardId, String stream, String account) {
    return "Rate exceeded for shard " + shardId + " in stream " + stream + " under account " + account + ".";
  }

  /** A call rate of a stream or account: AWS names the stream when the call does. */
  public static String callRateExceeded(String stream, String account) {
    return stream == null ? "Rate exceeded for account " + account + "."
        : "Rate exceeded for stream " + stream + " under account " + account + ".";
  }

  public static String writeRateExceeded(StreamDescriptor stream, ShardDescriptor shard) {
    return shardRateExceeded(shard.shardId(), stream.name(), stream.key().account());
  }

  public static KinesisException writeThrottled(StreamDescriptor stream, ShardDescriptor shard) {
    return KinesisException.client(ERROR, writeRateExceeded(stream, shard));
  }

  /** GetRecords, as AWS words it today: {@code Rate exceeded for Shard - <account>/<stream>/<shard id>}. */
  public static KinesisException readThrottled(StreamDescriptor stream, ShardDescriptor shard) {
    return KinesisException.client(ERROR,
        "Rate exceeded for Shard - " + stream.key().account() + "/" + stream.name() + "/" + shard.shardId());
  }
}
