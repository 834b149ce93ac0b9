package io.tributary.api.operation;

import io.tributary.api.KinesisException;
import io.tributary.api.wire.Input;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import java.util.function.Predicate;

/**
 * A ListShards ShardFilter: its type, ShardId and Timestamp, and when the first page was asked for (the
 * time its trim horizon is counted from). Later pages pass only the NextToken, which carries the filter
 * so that every page selects the same shards.
 *
 * <p>Text in the token: {@code <type>\t<shard id or empty>\t<timestamp ms or empty>\t<asked at ms>}.
 */
record ShardFilter(String type, String shardId, Long timestamp, long askedMillis) {

  /** The filter a request gives, checked as AWS checks it. */
  static ShardFilter of(Input filter, long now) {
    String type = filter.string("Type");
    String shardId = filter.string("ShardId");
    Long timestamp = filter.timestamp("Timestamp");
    if (type.equals("AFTER_SHARD_ID") && shardId == null) {
      throw KinesisException.invalidArgument("ShardId must be supplied in a ShardFilter with a Type of AFTER_SHARD_ID");
    }
    if (type.equals("AT_TIMESTAMP") || type.equals("FROM_TIMESTAMP")) {
      if (timestamp == null) {
        throw KinesisException.invalidArgument(
            "Timestamp must be supplied in a ShardFilter with a Type of FROM_TIMESTAMP or AT_TIMESTAMP");
      }
      if (timestamp > now) throw KinesisException.invalidArgument("Timestamp cannot be in the future");
    }
    return new ShardFilter(type, shardId, timestamp, now);
  }

  String toText() {
    return type + "\t" + (shardId == null ? "" : shardId) + "\t" + (timestamp == null ? "" : timestamp) + "\t" + askedMillis;
  }

  /** The filter a token's text holds, or null when the listing had none. */
  static ShardFilter fromText(String text) {
    if (text.isEmpty()) return null;
    String[] parts = text.split("\t", -1);
    return new ShardFilter(parts[0], parts[1].isEmpty() ? null : parts[1],
        parts[2].isEmpty() ? null : Long.valueOf(parts[2]), Long.parseLong(parts[3]));
  }

  /** Which shards the filter selects, by its type, as AWS documents each. */
  Predicate<ShardDescriptor> selects(StreamDescriptor stream) {
    long trimHorizon = askedMillis - stream.retentionHours() * 3_600_000L;
    switch (type) {
      case "AFTER_SHARD_ID" -> {
        return shard -> shard.shardId().compareTo(shardId) > 0;
      }
      case "AT_LATEST" -> {
        return ShardDescriptor::isOpen;
      }
      case "AT_TRIM_HORIZON" -> {
        return shard -> openAt(shard, trimHorizon);
      }
      case "AT_TIMESTAMP" -> {
        return shard -> openAt(shard, timestamp);
      }
      case "FROM_TIMESTAMP" -> {
        // Before the trim horizon, FROM_TIMESTAMP is taken as FROM_TRIM_HORIZON.
        long from = Math.max(timestamp, trimHorizon);
        return shard -> shard.isOpen() || shard.closedMillis() >= from;
      }
      default -> {
        // FROM_TRIM_HORIZON: every shard still within retention.
        return shard -> true;
      }
    }
  }

  /**
   * Whether a shard was open at a time. The shards a stream was created with count as open since the
   * start of time, so a time before the stream's creation selects them.
   */
  private static boolean openAt(ShardDescriptor shard, long time) {
    boolean opened = shard.parentShardId() == null || shard.createdMillis() <= time;
    boolean notYetClosed = shard.isOpen() || shard.closedMillis() > time;
    return opened && notYetClosed;
  }
}
