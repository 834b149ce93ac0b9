package io.tributary.stream;

import io.tributary.DomainException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * The metadata of every stream, and the settings of every account, in two immutable snapshots. Readers on
 * any thread see the <em>published</em> one without locking. Changes are made only by the
 * {@link MetadataWriter}, to the <em>staged</em> snapshot, and are published once the catalog holds them;
 * a change that could not be kept is discarded, so what readers see is always what a restart would bring
 * back. The checks of a change ("create unless the name is taken and the shard limit allows") read the
 * staged snapshot, so they see the changes committed before them.
 */
public final class StreamRegistry {
  public static final int DEFAULT_ON_DEMAND_STREAM_LIMIT = 50;

  /** Where account settings apply: Kinesis keeps them per account and region, like streams. */
  private record Scope(String account, String region) { }

  private final int shardLimit;
  private final int onDemandStreamLimit;
  private volatile NavigableMap<StreamKey, StreamDescriptor> streams = Collections.emptyNavigableMap();
  private volatile Map<Scope, AccountSettings> accounts = Map.of();
  private NavigableMap<StreamKey, StreamDescriptor> stagedStreams = streams;
  private Map<Scope, AccountSettings> stagedAccounts = accounts;

  /** The staged snapshot at one moment, to return to if a change fails halfway. */
  record Mark(NavigableMap<StreamKey, StreamDescriptor> streams, Map<Scope, AccountSettings> accounts) { }

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
    return list(streams, account, region);
  }

  private static List<StreamDescriptor> list(NavigableMap<StreamKey, StreamDescriptor> streams, String account,
      String region) {
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

  /** The stream incarnation with this uid, or null when there is none (not yet, or no longer). */
  public StreamDescriptor findByUid(String uid) {
    for (StreamDescriptor stream : streams.values()) {
      if (stream.uid().equals(uid)) return stream;
    }
    return null;
  }

  /** The staged streams: what the catalog is to hold once the changes under way are kept. */
  synchronized List<StreamDescriptor> stagedStreams() {
    return List.copyOf(stagedStreams.values());
  }

  synchronized List<AccountSettings> stagedAccountSettings() {
    return List.copyOf(stagedAccounts.values());
  }

  /** Puts back streams and account settings kept from an earlier run, before the server takes calls. */
  public synchronized void restore(List<StreamDescriptor> kept, List<AccountSettings> keptAccounts) {
    NavigableMap<StreamKey, StreamDescriptor> next = new TreeMap<>(stagedStreams);
    for (StreamDescriptor stream : kept) next.put(stream.key(), stream);
    Map<Scope, AccountSettings> nextAccounts = new HashMap<>(stagedAccounts);
    for (AccountSettings settings : keptAccounts) nextAccounts.put(new Scope(settings.account(), settings.region()), settings);
    stagedStreams = Collections.unmodifiableNavigableMap(next);
    stagedAccounts = Map.copyOf(nextAccounts);
    publish();
  }

  /**
   * Makes these streams and account settings, and nothing else, what readers see: contents another node's
   * writer kept. Only by the {@link MetadataWriter}, between its changes.
   */
  synchronized void replace(List<StreamDescriptor> kept, List<AccountSettings> keptAccounts) {
    NavigableMap<StreamKey, StreamDescriptor> next = new TreeMap<>();
    for (StreamDescriptor stream : kept) next.put(stream.key(), stream);
    Map<Scope, AccountSettings> nextAccounts = new HashMap<>();
    for (AccountSettings settings : keptAccounts) nextAccounts.put(new Scope(settings.account(), settings.region()), settings);
    stagedStreams = Collections.unmodifiableNavigableMap(next);
    stagedAccounts = Map.copyOf(nextAccounts);
    publish();
  }

  synchronized Mark mark() {
    return new Mark(stagedStreams, stagedAccounts);
  }

  synchronized void reset(Mark mark) {
    stagedStreams = mark.streams();
    stagedAccounts = mark.accounts();
  }

  /** Makes the staged snapshot the one readers see. */
  synchronized void publish() {
    streams = stagedStreams;
    accounts = stagedAccounts;
  }

  /** Drops the staged changes: they could not be kept. */
  synchronized void discard() {
    stagedStreams = streams;
    stagedAccounts = accounts;
  }

  public int shardLimit() { return shardLimit; }

  public int onDemandStreamLimit() { return onDemandStreamLimit; }

  /** Open shards of an account and region, counting the outcome of reshards under way. */
  public int openShardCount(String account, String region) {
    return openShardCount(streams, account, region);
  }

  private static int openShardCount(NavigableMap<StreamKey, StreamDescriptor> streams, String account, String region) {
    int count = 0;
    for (StreamDescriptor stream : list(streams, account, region)) count += stream.openShardCountAfterReshard();
    return count;
  }

  public int onDemandStreamCount(String account, String region) {
    return onDemandStreamCount(streams, account, region);
  }

  private static int onDemandStreamCount(NavigableMap<StreamKey, StreamDescriptor> streams, String account,
      String region) {
    int count = 0;
    for (StreamDescriptor stream : list(streams, account, region)) if (stream.mode() == StreamMode.ON_DEMAND) count++;
    return count;
  }

  /**
   * Adds a new stream, failing as AWS does when the name is taken, or the account's on-demand stream limit
   * or shard limit is reached. Only within a {@link MetadataWriter} change.
   */
  synchronized void add(StreamDescriptor stream) {
    checkAddable(stream.key(), stream.mode(), stream.openShardCount());
    stage(stream.key(), stream);
  }

  /** The checks of {@link #add}, in AWS's order, for a stream not yet laid out. */
  public synchronized void checkAddable(StreamKey key, StreamMode mode, int shards) {
    if (stagedStreams.containsKey(key)) {
      throw DomainException.inUse("Stream " + key.name() + " under account " + key.account() + " already exists.");
    }
    if (mode == StreamMode.ON_DEMAND) checkOnDemandStreamLimit(key);
    checkShardLimit(key, shards);
  }

  /**
   * Fails as AWS does when adding shards would take the account past its open shard limit; counts the
   * staged streams, so it also holds within a change.
   */
  public synchronized void checkShardLimit(StreamKey key, int added) {
    int current = openShardCount(stagedStreams, key.account(), key.region());
    if ((long) current + added > shardLimit) {
      throw DomainException.limitExceeded("This request would exceed the shard limit for the account "
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
   * Only within a {@link MetadataWriter} change.
   */
  synchronized StreamDescriptor update(StreamKey key, String uid, UnaryOperator<StreamDescriptor> change) {
    StreamDescriptor current = stagedStreams.get(key);
    if (current == null || !current.uid().equals(uid)) return null;
    StreamDescriptor changed = change.apply(current);
    if (changed.mode() == StreamMode.ON_DEMAND && current.mode() != StreamMode.ON_DEMAND) checkOnDemandStreamLimit(key);
    stage(key, changed);
    return changed;
  }

  /** The staged stream of that key, if it is still the same incarnation; null otherwise. */
  synchronized StreamDescriptor staged(StreamKey key, String uid) {
    StreamDescriptor current = stagedStreams.get(key);
    return current == null || !current.uid().equals(uid) ? null : current;
  }

  // AWS's wording for this limit is not known; it is modelled on its shard limit message.
  private void checkOnDemandStreamLimit(StreamKey key) {
    int current = onDemandStreamCount(stagedStreams, key.account(), key.region());
    if (current >= onDemandStreamLimit) {
      throw DomainException.limitExceeded("This request would exceed the on-demand stream limit for the account "
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

  /** Changes an account's settings. Only within a {@link MetadataWriter} change. */
  public synchronized AccountSettings updateAccountSettings(String account, String region,
      UnaryOperator<AccountSettings> change) {
    Scope scope = new Scope(account, region);
    AccountSettings current = stagedAccounts.get(scope);
    AccountSettings changed = change.apply(current != null ? current : AccountSettings.defaults(account, region));
    Map<Scope, AccountSettings> next = new HashMap<>(stagedAccounts);
    next.put(scope, changed);
    stagedAccounts = Map.copyOf(next);
    return changed;
  }

  /** Removes a stream if it is still that incarnation. Only within a {@link MetadataWriter} change. */
  synchronized void remove(StreamKey key, String uid) {
    StreamDescriptor current = stagedStreams.get(key);
    if (current == null || !current.uid().equals(uid)) return;
    NavigableMap<StreamKey, StreamDescriptor> next = new TreeMap<>(stagedStreams);
    next.remove(key);
    stagedStreams = Collections.unmodifiableNavigableMap(next);
  }

  private void stage(StreamKey key, StreamDescriptor stream) {
    NavigableMap<StreamKey, StreamDescriptor> next = new TreeMap<>(stagedStreams);
    next.put(key, stream);
    stagedStreams = Collections.unmodifiableNavigableMap(next);
  }
}
