package io.tributary.api.operation;

import io.tributary.api.wire.ResponseWriter;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import java.util.List;

/** Writes the parts of a stream's description that DescribeStream, DescribeStreamSummary and ListShards share. */
final class ShardWriter {
  private ShardWriter() { }

  static void writeShards(ResponseWriter writer, List<ShardDescriptor> shards) {
    writer.startArray("Shards");
    for (ShardDescriptor shard : shards) {
      writer.startObject()
          .field("ShardId", shard.shardId())
          .field("ParentShardId", shard.parentShardId())
          .field("AdjacentParentShardId", shard.adjacentParentShardId())
          .startObject("HashKeyRange")
          .field("StartingHashKey", shard.hashKeyRange().start().toString())
          .field("EndingHashKey", shard.hashKeyRange().end().toString())
          .endObject()
          .startObject("SequenceNumberRange")
          .field("StartingSequenceNumber", shard.startingSequenceNumber())
          .field("EndingSequenceNumber", shard.endingSequenceNumber())
          .endObject()
          .endObject();
    }
    writer.endArray();
  }

  static void writeStreamMode(ResponseWriter writer, StreamDescriptor stream) {
    writer.startObject("StreamModeDetails").field("StreamMode", stream.mode().name()).endObject();
  }

  static void writeEnhancedMonitoring(ResponseWriter writer, StreamDescriptor stream) {
    writer.startArray("EnhancedMonitoring").startObject();
    ShardLevelMetrics.write(writer, "ShardLevelMetrics", stream.shardLevelMetrics());
    writer.endObject().endArray();
  }

  static void writeEncryption(ResponseWriter writer, StreamDescriptor stream) {
    writer.field("EncryptionType", stream.encryptionType()).field("KeyId", stream.keyId());
  }
}
