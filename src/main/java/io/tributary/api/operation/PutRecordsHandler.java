package io.tributary.api.operation;

import io.tributary.Services;
import io.tributary.api.KinesisException;
import io.tributary.api.OperationHandler;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Member;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.Shape;
import io.tributary.shard.ShardRequest.Appended;
import io.tributary.shard.ShardRequest.IncomingRecord;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * PutRecords: up to 500 records, grouped by shard into one append per shard (sent concurrently), with a
 * result per record in request order. A shard that fails its append fails only its own records, which
 * then carry ErrorCode InternalFailure and count in FailedRecordCount.
 */
public final class PutRecordsHandler implements OperationHandler {
  private static final Shape ENTRY = Shape.of(
      Member.string("PartitionKey").notNull().length(1, 256),
      Member.string("ExplicitHashKey").pattern(StreamMembers.HASH_KEY_PATTERN),
      Member.blob("Data").notNull().maxLength(10 * 1024 * 1024));
  private static final Shape INPUT = Shape.of(
      Member.listOf("Records", ENTRY, "com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@c965e310")
          .notNull().length(1, 500),
      StreamMembers.streamName(),
      StreamMembers.streamArn(),
      StreamMembers.streamId());

  /** The most a request's records may add up to, data and partition keys together. */
  static final long MAX_REQUEST_RECORD_BYTES = 10L * 1024 * 1024;

  private final Services services;

  public PutRecordsHandler(Services services) {
    this.services = services;
  }

  @Override
  public Shape input() {
    return INPUT;
  }

  /** The records of one request that go to one shard, with their places in the request. */
  private static final class ShardBatch {
    final List<IncomingRecord> records = new ArrayList<>();
    final List<Integer> positions = new ArrayList<>();
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    StreamDescriptor stream = StreamMembers.findForData(services.registry(), context, input);
    List<Input> entries = input.structures("Records");
    long total = 0;
    for (Input entry : entries) {
      total += entry.blob("Data").length + entry.string("PartitionKey").getBytes(StandardCharsets.UTF_8).length;
    }
    if (total > MAX_REQUEST_RECORD_BYTES) throw KinesisException.invalidArgument("Records size exceeds 10 MB limit");
    ShardDescriptor[] shardOf = new ShardDescriptor[entries.size()];
    Map<ShardDescriptor, ShardBatch> batches = new IdentityHashMap<>();
    for (int i = 0; i < entries.size(); i++) {
      Input entry = entries.get(i);
      String partitionKey = entry.string("PartitionKey");
      byte[] data = entry.blob("Data");
      RecordRouting.checkDataSize(stream, data, "records." + (i + 1) + ".member.data");
      ShardDescriptor shard = RecordRouting.route(stream, partitionKey, entry.string("ExplicitHashKey"));
      shardOf[i] = shard;
      ShardBatch batch = batches.computeIfAbsent(shard, s -> new ShardBatch());
      batch.records.add(new IncomingRecord(partitionKey, data));
      batch.positions.add(i);
    }

    String[] sequenceNumbers = new String[entries.size()];
    List<Future<Appended>> appends = new ArrayList<>(batches.size());
    for (Map.Entry<ShardDescriptor, ShardBatch> perShard : batches.entrySet()) {
      ShardDescriptor shard = perShard.getKey();
      ShardBatch batch = perShard.getValue();
      appends.add(services.shards().append(stream, shard, batch.records).onSuccess(appended -> {
        for (int j = 0; j < batch.positions.size(); j++) {
          sequenceNumbers[batch.positions.get(j)] =
              RecordRouting.sequenceNumber(shard, appended.firstOffset() + j, appended.arrivalMillis());
        }
      }));
    }
    return Future.join(appends).transform(ignored -> {
      int failed = 0;
      for (String sequenceNumber : sequenceNumbers) if (sequenceNumber == null) failed++;
      int failedCount = failed;
      return Future.succeededFuture(new Response() {
        @Override
        public void writeMembers(io.tributary.api.wire.ResponseWriter writer) {
          writer.field("FailedRecordCount", failedCount).startArray("Records");
          for (int i = 0; i < sequenceNumbers.length; i++) {
            writer.startObject();
            if (sequenceNumbers[i] != null) {
              writer.field("SequenceNumber", sequenceNumbers[i]).field("ShardId", shardOf[i].shardId());
            } else {
              writer.field("ErrorCode", "InternalFailure").field("ErrorMessage", "Internal service failure.");
            }
            writer.endObject();
          }
          writer.endArray().field("EncryptionType", RecordRouting.encryptionType(stream));
        }

        @Override
        public int sizeHint() {
          return 32 + sequenceNumbers.length * 110;
        }
      });
    });
  }
}
