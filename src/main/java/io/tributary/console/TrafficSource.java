package io.tributary.console;

import io.tributary.stream.StreamDescriptor;
import io.vertx.core.Future;
import java.util.List;

/**
 * The traffic figures the console draws: what flows into each shard, and how far behind the tip each reader
 * of a stream is (CloudWatch's IncomingRecords and IncomingBytes per second, and
 * GetRecords.IteratorAgeMilliseconds / SubscribeToShardEvent.MillisBehindLatest per reader and shard).
 * The console reads numbers only through this interface, so where they come from can change.
 */
public interface TrafficSource {

  /** Records and bytes per second that went into a shard over the last sampling window. */
  record ShardRate(double recordsPerSecond, double bytesPerSecond) {
    public static final ShardRate NONE = new ShardRate(0, 0);
  }

  /**
   * How far one reader of a stream is behind on one shard: the age of the oldest record it has not read
   * (0 when caught up).
   *
   * @param kind what reads: {@code enhanced fan-out} (a registered consumer) or {@code kafka mirror}
   */
  record ReaderAge(String reader, String kind, String shardId, long iteratorAgeMillis) { }

  /** The shard's incoming rate; {@link ShardRate#NONE} while not known yet. */
  ShardRate incoming(StreamDescriptor stream, String shardId);

  /** The readers of the stream that have a position now, one entry per reader and shard. */
  Future<List<ReaderAge>> iteratorAges(StreamDescriptor stream);
}
