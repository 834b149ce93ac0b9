package io.tributary.stream;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the control plane knows of one stream. Immutable: the registry swaps in a new descriptor on a
 * change ({@link #toBuilder()}), so readers on any thread see a consistent stream without locking.
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
  private final String encryptionType;
  private final String keyId;
  private final List<String> shardLevelMetrics;
  private final Integer warmThroughputMiBps;
  private final Integer warmThroughputCurrentMiBps;
  private final List<Long> encryptionChanges;
  private final RecordDistributionStrategy recordDistributionStrategy;
  private final List<ConsumerDescriptor> consumers;
  private final Map<String, String> policies;
  private final List<Long> scalingTimes;
  private final int nextShardIndex;
  private final Resharding.Plan pendingReshard;
  private final boolean deletedWhileCreating;
  /** The open shards ordered by starting hash key, for routing records by binary search. */
  private final ShardDescriptor[] routing;

  private StreamDescriptor(Builder b) {
    this.key = b.key;
    this.uid = b.uid;
    this.status = b.status;
    this.mode = b.mode;
    this.createdMillis = b.createdMillis;
    this.retentionHours = b.retentionHours;
    this.maxRecordSizeKiB = b.maxRecordSizeKiB;
    this.shards = List.copyOf(b.shards);
    this.tags = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.tags));
    this.encryptionType = b.encryptionType;
    this.keyId = b.keyId;
    this.shardLevelMetrics = List.copyOf(b.shardLevelMetrics);
    this.warmThroughputMiBps = b.warmThroughputMiBps;
    this.warmThroughputCurrentMiBps = b.warmThroughputCurrentMiBps;
    this.encryptionChanges = List.copyOf(b.encryptionChanges);
    this.recordDistributionStrategy = b.recordDistributionStrategy;
    this.consumers = List.copyOf(b.consumers);
    this.policies = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.policies));
    this.scalingTimes = List.copyOf(b.scalingTimes);
    this.pendingReshard = b.pendingReshard;
    this.deletedWhileCreating = b.deletedWhileCreating;
    int highestIndex = this.shards.stream().mapToInt(ShardDescriptor::index).max().orElse(-1);
    if (pendingReshard != null) {
      for (ShardDescriptor shard : pendingReshard.created()) highestIndex = Math.max(highestIndex, shard.index());
    }
    this.nextShardIndex = Math.max(b.nextShardIndex, highestIndex + 1);
    this.routing = this.shards.stream().filter(ShardDescriptor::isOpen)
        .sorted(Comparator.comparing(s -> s.hashKeyRange().start()))
        .toArray(ShardDescriptor[]::new);
  }

  /** A new stream with the defaults of every optional setting. */
  public static Builder builder(StreamKey key, String uid) {
    return new Builder(key, uid);
  }

  public Builder toBuilder() {
    Builder b = new Builder(key, uid);
    b.status = status;
    b.mode = mode;
    b.createdMillis = createdMillis;
    b.retentionHours = retentionHours;
    b.maxRecordSizeKiB = maxRecordSizeKiB;
    b.shards = new ArrayList<>(shards);
    b.tags = new LinkedHashMap<>(tags);
    b.encryptionType = encryptionType;
    b.keyId = keyId;
    b.shardLevelMetrics = new ArrayList<>(shardLevelMetrics);
    b.warmThroughputMiBps = warmThroughputMiBps;
    b.warmThroughputCurrentMiBps = warmThroughputCurrentMiBps;
    b.encryptionChanges = new ArrayList<>(encryptionChanges);
    b.recordDistributionStrategy = recordDistributionStrategy;
    b.consumers = new ArrayList<>(consumers);
    b.policies = new LinkedHashMap<>(policies);
    b.scalingTimes = new ArrayList<>(scalingTimes);
    b.nextShardIndex = nextShardIndex;
    b.pendingReshard = pendingReshard;
    b.deletedWhileCreating = deletedWhileCreating;
    return b;
  }

  public StreamKey key() { return key; }

  public String name() { return key.name(); }

  public String arn() { return key.arn(); }

  /** Distinguishes this stream from an earlier one of the same name; shard addresses and data use it. */
  public String uid() { return uid; }

  public StreamStatus status() { return status; }

  /**
   * Whether its shards are shown: not while CREATING, nor while DELETING after a delete that came before it
   * turned ACTIVE, as AWS describes such a stream.
   */
  public boolean showsShards() {
    return status != StreamStatus.CREATING && !deletedWhileCreating;
  }

  public boolean deletedWhileCreating() { return deletedWhileCreating; }

  public StreamMode mode() { return mode; }

  public long createdMillis() { return createdMillis; }

  public int retentionHours() { return retentionHours; }

  public int maxRecordSizeKiB() { return maxRecordSizeKiB; }

  /** Every shard still within retention, open or closed, in creation order. */
  public List<ShardDescriptor> shards() { return shards; }

  public Map<String, String> tags() { return tags; }

  /** NONE or KMS. */
  public String encryptionType() { return encryptionType; }

  public String keyId() { return keyId; }

  /** The enhanced (shard-level) metrics switched on, in AWS's order. */
  public List<String> shardLevelMetrics() { return shardLevelMetrics; }

  /** The warm throughput an on-demand stream is asked to hold (its target), or null. */
  public Integer warmThroughputMiBps() { return warmThroughputMiBps; }

  /** The warm throughput the stream has reached: the target once the change that set it is done. */
  public Integer warmThroughputCurrentMiBps() { return warmThroughputCurrentMiBps; }

  /**
   * When encryption was switched on or off, in order: the first entry switched it on, the next off, and
   * so on. Entries older than every record still kept are dropped in pairs.
   */
  public List<Long> encryptionChanges() { return encryptionChanges; }

  /** NONE or KMS: how a record that arrived at that time was written. */
  public String encryptionTypeAt(long arrivalMillis) {
    boolean encrypted = false;
    for (long change : encryptionChanges) {
      if (change > arrivalMillis) break;
      encrypted = !encrypted;
    }
    return encrypted ? "KMS" : "NONE";
  }

  public RecordDistributionStrategy recordDistributionStrategy() { return recordDistributionStrategy; }

  public List<ConsumerDescriptor> consumers() { return consumers; }

  /** Resource policies by resource ARN: the stream's own and its consumers'. */
  public Map<String, String> policies() { return policies; }

  /** When UpdateShardCount ran, for AWS's limit of ten scalings per rolling 24 hours. */
  public List<Long> scalingTimes() { return scalingTimes; }

  /** The index the next new shard gets: shard ids are never reused within a stream. */
  public int nextShardIndex() { return nextShardIndex; }

  /**
   * A split, merge or scaling that is decided and kept but not yet carried out: its new shards are not
   * listed or routed to until it is, and their ids are taken. Null when none is under way.
   */
  public Resharding.Plan pendingReshard() { return pendingReshard; }

  /** Open shards once the pending reshard is done: what counts against the account's shard limit. */
  public int openShardCountAfterReshard() {
    if (pendingReshard == null) return routing.length;
    int opened = (int) pendingReshard.created().stream().filter(ShardDescriptor::isOpen).count();
    return routing.length + opened - pendingReshard.closing().size();
  }

  public StreamDescriptor withStatus(StreamStatus newStatus) {
    return toBuilder().status(newStatus).build();
  }

  public int openShardCount() { return routing.length; }

  /** The open shards, by starting hash key. */
  public List<ShardDescriptor> openShards() { return List.of(routing); }

  /** The open shard at this place in starting hash key order, from 0 to {@link #openShardCount()} - 1. */
  public ShardDescriptor openShard(int place) { return routing[place]; }

  public ShardDescriptor shard(String shardId) {
    for (ShardDescriptor shard : shards) {
      if (shard.shardId().equals(shardId)) return shard;
    }
    return null;
  }

  public ConsumerDescriptor consumer(String name) {
    for (ConsumerDescriptor consumer : consumers) {
      if (consumer.name().equals(name)) return consumer;
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

  /** Changes to a descriptor, made on a copy. */
  public static final class Builder {
    private final StreamKey key;
    private final String uid;
    private StreamStatus status = StreamStatus.CREATING;
    private StreamMode mode = StreamMode.PROVISIONED;
    private long createdMillis;
    private int retentionHours = 24;
    private int maxRecordSizeKiB = 1024;
    private List<ShardDescriptor> shards = new ArrayList<>();
    private Map<String, String> tags = new LinkedHashMap<>();
    private String encryptionType = "NONE";
    private String keyId;
    private List<String> shardLevelMetrics = new ArrayList<>();
    private Integer warmThroughputMiBps;
    private Integer warmThroughputCurrentMiBps;
    private List<Long> encryptionChanges = new ArrayList<>();
    private RecordDistributionStrategy recordDistributionStrategy = RecordDistributionStrategy.USER_PARTITION_KEY;
    private List<ConsumerDescriptor> consumers = new ArrayList<>();
    private Map<String, String> policies = new LinkedHashMap<>();
    private List<Long> scalingTimes = new ArrayList<>();
    private int nextShardIndex;
    private Resharding.Plan pendingReshard;
    private boolean deletedWhileCreating;

    private Builder(StreamKey key, String uid) {
      this.key = key;
      this.uid = uid;
    }

    public Builder status(StreamStatus value) { status = value; return this; }

    public Builder mode(StreamMode value) { mode = value; return this; }

    public Builder createdMillis(long value) { createdMillis = value; return this; }

    public Builder retentionHours(int value) { retentionHours = value; return this; }

    public Builder maxRecordSizeKiB(int value) { maxRecordSizeKiB = value; return this; }

    public Builder shards(List<ShardDescriptor> value) { shards = new ArrayList<>(value); return this; }

    public Builder tags(Map<String, String> value) { tags = new LinkedHashMap<>(value); return this; }

    public Builder encryption(String type, String id) { encryptionType = type; keyId = id; return this; }

    /**
     * Switches encryption to the type and key at a moment: records that arrive from then on are written
     * with it. Changes that only records past the retention period could tell apart are forgotten.
     */
    public Builder encryption(String type, String id, long sinceMillis) {
      if (!type.equals(encryptionType)) {
        encryptionChanges.add(sinceMillis);
        long oldestKept = sinceMillis - retentionHours * 3_600_000L;
        while (encryptionChanges.size() >= 2 && encryptionChanges.get(1) < oldestKept) {
          encryptionChanges.subList(0, 2).clear();
        }
      }
      return encryption(type, id);
    }

    public Builder encryptionChanges(List<Long> value) { encryptionChanges = new ArrayList<>(value); return this; }

    public Builder shardLevelMetrics(List<String> value) { shardLevelMetrics = new ArrayList<>(value); return this; }

    public Builder warmThroughputMiBps(Integer value) { warmThroughputMiBps = value; return this; }

    public Builder warmThroughputCurrentMiBps(Integer value) { warmThroughputCurrentMiBps = value; return this; }

    public Builder recordDistributionStrategy(RecordDistributionStrategy value) {
      recordDistributionStrategy = value;
      return this;
    }

    public Builder consumers(List<ConsumerDescriptor> value) { consumers = new ArrayList<>(value); return this; }

    public Builder policies(Map<String, String> value) { policies = new LinkedHashMap<>(value); return this; }

    /** Adds tags, replacing the values of keys already there. */
    public Builder putTags(Map<String, String> value) { tags.putAll(value); return this; }

    public Builder removeTags(Collection<String> keys) { tags.keySet().removeAll(keys); return this; }

    /** Sets the resource policy of the stream or of one of its consumers, by the resource's ARN. */
    public Builder putPolicy(String resourceArn, String policy) { policies.put(resourceArn, policy); return this; }

    public Builder removePolicy(String resourceArn) { policies.remove(resourceArn); return this; }

    public Builder scalingTimes(List<Long> value) { scalingTimes = new ArrayList<>(value); return this; }

    public Builder nextShardIndex(int value) { nextShardIndex = value; return this; }

    public Builder pendingReshard(Resharding.Plan value) { pendingReshard = value; return this; }

    public Builder deletedWhileCreating(boolean value) { deletedWhileCreating = value; return this; }

    public StreamDescriptor build() {
      return new StreamDescriptor(this);
    }
  }
}
