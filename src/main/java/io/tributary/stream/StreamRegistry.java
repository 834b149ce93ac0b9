package io.tributary.stream;

import io.tributary.api.KinesisException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * The metadata of every stream. Readers on any thread take the current immutable snapshot without
 * locking; every change goes through one writer (the methods here are serialised) and publishes a new
 * snapshot, so a change such as "create unless the name is taken and the shard limit allows" is atomic.
 */
public final class StreamRegistry {
  private final int shardLimit;
  private volatile NavigableMap<StreamKey, StreamDescriptor> streams = Collections.emptyNavigableMap();

  public StreamRegistry(int shardLimit) {
    this.shardLimit = shardLimit;
  }

  public StreamDescriptor find(StreamKey key) {
    return streams.get(key);
  }

  /** The streams of an account and region, by name. */
  public List<StreamDescriptor> list(String account, String region) {
    StreamKey from = new StreamKey(account, region, "");
    List<StreamDescriptor> result = new ArrayList<>();
    for (StreamDescriptor stream : streams.tailMap(from, true).values()) {
      if (!stream.key().account().equals(account) || !stream.key().region().equals(region)) break;
      result.add(stream);
    }
    return result;
  }

  /** Every stream, in key order. */
  public List<StreamDescriptor> all() {
    return List.copyOf(streams.values());
  }

  /** Puts back streams kept from an earlier run, before the server takes calls. */
  public synchronized void restore(List<StreamDescriptor> kept) {
    for (StreamDescriptor stream : kept) publish(stream.key(), stream);
  }

  public int shardLimit() { return shardLimit; }

  public int openShardCount(String account, String region) {
    int count = 0;
    for (StreamDescriptor stream : list(account, region)) count += stream.openShardCount();
    return count;
  }

  /** Adds a new stream, failing as AWS does when the name is taken or the account's shard limit is reached. */
  public synchronized void add(StreamDescriptor stream) {
    StreamKey key = stream.key();
    if (streams.containsKey(key)) {
      throw KinesisException.resourceInUse("Stream " + key.name() + " under account " + key.account() + " already exists.");
    }
    checkShardLimit(key, stream.openShardCount());
    publish(key, stream);
  }

  /** Fails as AWS does when adding shards would take the account past its open shard limit. */
  public void checkShardLimit(StreamKey key, int added) {
    int current = openShardCount(key.account(), key.region());
    if (current + added > shardLimit) {
      throw KinesisException.limitExceeded("This request would exceed the shard limit for the account "
          + key.account() + " in " + key.region() + ". Current shard count for the account: " + current
          + ". Limit: " + shardLimit + ". Number of additional shards that would have resulted from this request: "
          + added + ". Refer to the AWS Service Limits page "
          + "(http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) "
          + "for current limits and how to request higher limits.");
    }
  }

  /** Replaces a stream with what the change makes of it, if the same incarnation is still there. */
  public synchronized StreamDescriptor update(StreamKey key, String uid, UnaryOperator<StreamDescriptor> change) {
    StreamDescriptor current = streams.get(key);
    if (current == null || !current.uid().equals(uid)) return null;
    StreamDescriptor changed = change.apply(current);
    publish(key, changed);
    return changed;
  }

  public synchronized void remove(StreamKey key, String uid) {
    StreamDescriptor current = streams.get(key);
    if (current == null || !current.uid().equals(uid)) return;
    NavigableMap<StreamKey, StreamDescriptor> next = new TreeMap<>(streams);
    next.remove(key);
    streams = Collections.unmodifiableNavigableMap(next);
  }

  private void publish(StreamKey key, StreamDescriptor stream) {
    NavigableMap<StreamKey, StreamDescriptor> next = new TreeMap<>(streams);
    next.put(key, stream);
    streams = Collections.unmodifiableNavigableMap(next);
  }
}
