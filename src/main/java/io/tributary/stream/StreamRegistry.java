package io.tributary.stream;

import io.tributary.api.KinesisException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * The metadata of every stream, and the settings of every account. Readers on any thread take the current
 * immutable snapshot without locking; every change goes through one writer (the methods here are
 * serialised) and publishes a new snapshot, so a change such as "create unless the name is taken and the
 * shard limit allows" is atomic.
 */
public final class StreamRegistry {
  public static final int DEFAULT_ON_DEMAND_STREAM_LIMIT = 50;

  /** Where account settings apply: Kinesis keeps them per account and region, like streams. */
  private record Scope(String account, String region) { }

  private final int shardLimit;
  private final int onDemandStreamLimit;
  private volatile NavigableMap<StreamKey, StreamDescriptor> streams = Collections.emptyNavigableMap();
  private volatile Map<Scope, AccountSettings> accounts = Map.of();

  public StreamRegistry(int shardLimit) {
    this(shardLimit, DEFAULT_ON_DEMAND_STREAM_LIMIT);
  }

  public StreamRegistry(int shardLimit, int onDemandStreamLimit) {
    this.shardLimit = shardLimit;
    this.onDemandStreamLimit = onDemandStreamLimit;
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

  public int onDemandStreamLimit() { return onDemandStreamLimit; }

  public int openShardCount(String account, String region) {
    int count = 0;
    for (StreamDescriptor stream : list(account, region)) count += stream.openShardCount();
    return count;
  }

  public int onDemandStreamCount(String account, String region) {
    int count = 0;
    for (StreamDescriptor stream : list(account, region)) if (stream.mode() == StreamMode.ON_DEMAND) count++;
    return count;
  }

  /**
   * Adds a new stream, failing as AWS does when the name is taken, or the account's on-demand stream limit
   * or shard limit is reached.
   */
  public synchronized void add(StreamDescriptor stream) {
    StreamKey key = stream.key();
    if (streams.containsKey(key)) {
      throw KinesisException.resourceInUse("Stream " + key.name() + " under account " + key.account() + " already exists.");
    }
    if (stream.mode() == StreamMode.ON_DEMAND) checkOnDemandStreamLimit(key);
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

  /**
   * Replaces a stream with what the change makes of it, if the same incarnation is still there. A change
   * that makes the stream on-demand fails as AWS does when the account's on-demand stream limit is reached.
   */
  public synchronized StreamDescriptor update(StreamKey key, String uid, UnaryOperator<StreamDescriptor> change) {
    StreamDescriptor current = streams.get(key);
    if (current == null || !current.uid().equals(uid)) return null;
    StreamDescriptor changed = change.apply(current);
    if (changed.mode() == StreamMode.ON_DEMAND && current.mode() != StreamMode.ON_DEMAND) checkOnDemandStreamLimit(key);
    publish(key, changed);
    return changed;
  }

  // AWS's wording for this limit is not known; it is modelled on its shard limit message.
  private void checkOnDemandStreamLimit(StreamKey key) {
    int current = onDemandStreamCount(key.account(), key.region());
    if (current >= onDemandStreamLimit) {
      throw KinesisException.limitExceeded("This request would exceed the on-demand stream limit for the account "
          + key.account() + " in " + key.region() + ". Current on-demand stream count for the account: " + current
          + ". Limit: " + onDemandStreamLimit + ". Refer to the AWS Service Limits page "
          + "(http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) "
          + "for current limits and how to request higher limits.");
    }
  }

  /** An account's settings in a region: the defaults until they are changed. */
  public AccountSettings accountSettings(String account, String region) {
    AccountSettings settings = accounts.get(new Scope(account, region));
    return settings != null ? settings : AccountSettings.defaults(account, region);
  }

  /** Every account's settings that were ever changed. */
  public List<AccountSettings> allAccountSettings() {
    return List.copyOf(accounts.values());
  }

  public synchronized AccountSettings updateAccountSettings(String account, String region,
      UnaryOperator<AccountSettings> change) {
    AccountSettings changed = change.apply(accountSettings(account, region));
    Map<Scope, AccountSettings> next = new HashMap<>(accounts);
    next.put(new Scope(account, region), changed);
    accounts = Map.copyOf(next);
    return changed;
  }

  /** Puts back account settings kept from an earlier run, before the server takes calls. */
  public synchronized void restoreAccountSettings(List<AccountSettings> kept) {
    Map<Scope, AccountSettings> next = new HashMap<>(accounts);
    for (AccountSettings settings : kept) next.put(new Scope(settings.account(), settings.region()), settings);
    accounts = Map.copyOf(next);
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
