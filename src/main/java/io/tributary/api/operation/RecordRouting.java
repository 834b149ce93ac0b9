package io.tributary.api.operation;

import io.tributary.api.KinesisException;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Shape;
import io.tributary.shard.RecordRouter;
import io.tributary.stream.StreamDescriptor;

/**
 * What PutRecord and PutRecords share: the size rule, the partition key rule and the encryption they report.
 * Routing is {@link RecordRouter}'s.
 */
final class RecordRouting {
  private RecordRouting() { }

  /**
   * The model no longer requires a partition key, since AUTO streams do without; every other stream still
   * does, and a request without one fails as the member's rule once did ({@code keyRule} names where).
   */
  static void checkPartitionKeys(StreamDescriptor stream, Shape keyRule, Input input) {
    if (!RecordRouter.isAutoDistributed(stream)) keyRule.validate(input);
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
