package io.tributary.api.operation;

import io.tributary.api.KinesisException;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Shape;
import io.tributary.stream.HashKeyRange;
import io.tributary.stream.RecordDistributionStrategy;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import java.math.BigInteger;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What PutRecord and PutRecords share: the size rule, the partition key rule, routing by hash key and the
 * encryption they report.
 */
final class RecordRouting {
  private RecordRouting() { }

  static boolean isAutoDistributed(StreamDescriptor stream) {
    return stream.recordDistributionStrategy() == RecordDistributionStrategy.AUTO;
  }

  /**
   * The model no longer requires a partition key, since AUTO streams do without; every other stream still
   * does, and a request without one fails as the member's rule once did ({@code keyRule} names where).
   */
  static void checkPartitionKeys(StreamDescriptor stream, Shape keyRule, Input input) {
    if (!isAutoDistributed(stream)) keyRule.validate(input);
  }

  /**
   * The open shard a record goes to: on an AUTO stream any open shard, at random, so records spread
   * evenly; otherwise by its ExplicitHashKey if given, else by MD5 of its partition key.
   */
  static ShardDescriptor route(StreamDescriptor stream, String partitionKey, String explicitHashKey) {
    if (isAutoDistributed(stream)) {
      return stream.openShard(ThreadLocalRandom.current().nextInt(stream.openShardCount()));
    }
    BigInteger hashKey;
    if (explicitHashKey != null) {
      hashKey = new BigInteger(explicitHashKey);
      if (hashKey.compareTo(HashKeyRange.MAX_HASH_KEY) > 0) {
        throw KinesisException.invalidArgument("Invalid ExplicitHashKey. ExplicitHashKey must be in the range: "
            + "[0, 2^128-1]. Specified value was " + explicitHashKey);
      }
    } else {
      hashKey = HashKeyRange.hashOf(partitionKey);
    }
    return stream.route(hashKey);
  }

  /**
   * A record's data may be as large as the stream's maximum record size (1 MiB unless raised); AWS
   * answers a larger one with the same validation message as the model's length rule.
   */
  static void checkDataSize(StreamDescriptor stream, byte[] data, String path) {
    int max = stream.maxRecordSizeKiB() * 1024;
    if (data.length > max) {
      throw KinesisException.client("ValidationException", "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim="
          + data.length + " cap=" + data.length + "]' at '" + path + "' failed to satisfy constraint: "
          + "Member must have length less than or equal to " + max);
    }
  }

  /**
   * The EncryptionType PutRecord and PutRecords answer with: KMS on an encrypted stream; left out (null)
   * otherwise, as AWS's answers on unencrypted streams show none.
   */
  static String encryptionType(StreamDescriptor stream) {
    return "KMS".equals(stream.encryptionType()) ? "KMS" : null;
  }
}
