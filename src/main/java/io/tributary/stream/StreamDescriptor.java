package io.tributary.stream;

import java.math.BigInteger;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * What the control plane knows of one stream. Immutable: the registry swaps in a new descriptor on a
 * change, so readers on any thread see a consistent stream without locking.
 */
public final class StreamDescriptor {
  private final StreamKey key;
  private final String uid;
  private final StreamStatus status;
  private final StreamMode mode;
  private final long createdMillis;
  private final int retentionHours;
  private final int maxRecordSizeKiB;
  private final List<ShardDescriptor> shards;
  private final Map<String, String> tags;
  /** The open shards ordered by starting hash key, for routing records by binary search. */
  private final ShardDescriptor[] routing;

  /**
   * @param uid distinguishes this stream from an earlier one of the same name; shard addresses use it
   */
  public StreamDescriptor(StreamKey key, String uid, StreamStatus status, StreamMode mode, long createdMillis,
      int retentionHours, int maxRecordSizeKiB, List<ShardDescriptor> shards, Map<String, String> tags) {
    this.key = key;
    this.uid = uid;
    this.status = status;
    this.mode = mode;
    this.createdMillis = createdMillis;
    this.retentionHours = retentionHours;
    this.maxRecordSizeKiB = maxRecordSizeKiB;
    this.shards = List.copyOf(shards);
    this.tags = Map.copyOf(tags);
    this.routing = this.shards.stream().filter(ShardDescriptor::isOpen)
        .sorted(Comparator.comparing(s -> s.hashKeyRange().start()))
        .toArray(ShardDescriptor[]::new);
  }

  public StreamKey key() { return key; }

  public String name() { return key.name(); }

  public String arn() { return key.arn(); }

  public String uid() { return uid; }

  public StreamStatus status() { return status; }

  public StreamMode mode() { return mode; }

  public long createdMillis() { return createdMillis; }

  public int retentionHours() { return retentionHours; }

  public int maxRecordSizeKiB() { return maxRecordSizeKiB; }

  public List<ShardDescriptor> shards() { return shards; }

  public Map<String, String> tags() { return tags; }

  public StreamDescriptor withStatus(StreamStatus newStatus) {
    return new StreamDescriptor(key, uid, newStatus, mode, createdMillis, retentionHours, maxRecordSizeKiB, shards, tags);
  }

  public int openShardCount() { return routing.length; }

  public ShardDescriptor shard(String shardId) {
    for (ShardDescriptor shard : shards) {
      if (shard.shardId().equals(shardId)) return shard;
    }
    return null;
  }

  /** The open shard whose hash key range holds the key. */
  public ShardDescriptor route(BigInteger hashKey) {
    int low = 0;
    int high = routing.length - 1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      HashKeyRange range = routing[mid].hashKeyRange();
      if (range.end().compareTo(hashKey) < 0) {
        low = mid + 1;
      } else if (range.start().compareTo(hashKey) > 0) {
        high = mid - 1;
      } else {
        return routing[mid];
      }
    }
    throw new IllegalStateException("no open shard of " + key + " holds hash key " + hashKey);
  }

  /** Reads and writes are served while a stream is ACTIVE or UPDATING. */
  public boolean acceptsData() {
    return status == StreamStatus.ACTIVE || status == StreamStatus.UPDATING;
  }
}
