package io.tributary.shard;

import io.tributary.DomainException;
import io.tributary.stream.HashKeyRange;
import io.tributary.stream.RecordDistributionStrategy;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import java.math.BigInteger;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The open shard a record goes to: on an AUTO stream any open shard, at random, so records spread
 * evenly; otherwise by its ExplicitHashKey if given, else by MD5 of its partition key. Every writer
 * routes here: the API, the Kafka bridge and the triggers' failure destination.
 */
public final class RecordRouter {
  private RecordRouter() { }

  public static boolean isAutoDistributed(StreamDescriptor stream) {
    return stream.recordDistributionStrategy() == RecordDistributionStrategy.AUTO;
  }

  /** The shard, or InvalidArgument for an ExplicitHashKey past the key space. */
  public static ShardDescriptor route(StreamDescriptor stream, String partitionKey, String explicitHashKey) {
    if (isAutoDistributed(stream)) {
      return stream.openShard(ThreadLocalRandom.current().nextInt(stream.openShardCount()));
    }
    BigInteger hashKey;
    if (explicitHashKey != null) {
      hashKey = new BigInteger(explicitHashKey);
      if (hashKey.compareTo(HashKeyRange.MAX_HASH_KEY) > 0) {
        throw DomainException.invalidArgument("Invalid ExplicitHashKey. ExplicitHashKey must be in the range: "
            + "[0, 2^128-1]. Specified value was " + explicitHashKey);
      }
    } else {
      hashKey = HashKeyRange.hashOf(partitionKey);
    }
    return stream.route(hashKey);
  }
}
