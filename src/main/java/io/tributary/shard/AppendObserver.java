package io.tributary.shard;

import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;

/** Told of what appends to a stream did, for the metrics and throttle counters that count them. */
public interface AppendObserver {
  /** A shard took records: how many, and their bytes (data and partition keys). */
  void appended(StreamDescriptor stream, ShardDescriptor shard, int records, long bytes);

  /** A shard refused records over its quota or queue bound. */
  void throttled(StreamDescriptor stream, ShardDescriptor shard, int records);
}
