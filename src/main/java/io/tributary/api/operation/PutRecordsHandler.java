package io.tributary.api.operation;

import io.tributary.stream.StreamRegistry;
import io.tributary.metrics.StreamMetrics;
import io.tributary.api.KinesisException;
import io.tributary.api.OperationHandler;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Member;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.ResponseWriter;
import io.tributary.api.wire.Shape;
import io.tributary.api.Throttling;
import io.tributary.shard.RecordAppender;
import io.tributary.shard.RecordRouter;
import io.tributary.stream.StreamDescriptor;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * PutRecords: up to 500 records, appended by {@link RecordAppender}, with a result per record in request
 * order. A shard that fails its append fails only its own records, which then carry ErrorCode
 * InternalFailure, or ProvisionedThroughputExceededException for records over the shard's throughput, and
 * count in FailedRecordCount.
 */
public final class PutRecordsHandler implements OperationHandler {
  private static final Shape ENTRY = Shape.of(
      Member.string("PartitionKey").listedWithOthers().length(1, 256),
      Member.string("ExplicitHashKey").pattern(StreamMembers.HASH_KEY_PATTERN),
      Member.blob("Data").notNull().maxLength(10 * 1024 * 1024));
  /** The request members and their rules; the streamed decoder (StreamedInputs) lists the same. */
  public static final Shape INPUT = Shape.of(
      Member.listOf("Records", ENTRY, "com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@c965e310")
          .notNull().length(1, 500),
      StreamMembers.streamName(),
      StreamMembers.streamArn(),
      StreamMembers.streamId(),
      DryRun.member());
  private static final Shape KEY_RULE = Shape.of(
      Member.listOf("Records", Shape.of(Member.string("PartitionKey").notNull()), null));

  /** The most a request's records may add up to, data and partition keys together. */
  static final long MAX_REQUEST_RECORD_BYTES = 10L * 1024 * 1024;

  private final StreamRegistry registry;
  private final RecordAppender appender;
  private final StreamMetrics streamMetrics;

  public PutRecordsHandler(StreamRegistry registry, RecordAppender appender, StreamMetrics streamMetrics) {
    this.registry = registry;
    this.appender = appender;
    this.streamMetrics = streamMetrics;
  }

  @Override
  public Shape input() {
    return INPUT;
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    StreamDescriptor stream = StreamMembers.findForData(registry, context, input);
    RecordRouting.checkPartitionKeys(stream, KEY_RULE, input);
    List<Input> entries = input.structures("Records");
    long total = 0;
    for (Input entry : entries) {
      String partitionKey = entry.string("PartitionKey");
      total += entry.blob("Data").length;
      if (partitionKey != null) total += partitionKey.getBytes(StandardCharsets.UTF_8).length;
    }
    if (total > MAX_REQUEST_RECORD_BYTES) throw KinesisException.invalidArgument("Records size exceeds 10 MB limit");
    List<RecordAppender.Outgoing> records = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      Input entry = entries.get(i);
      RecordRouting.checkDataSize(stream, entry.blob("Data"), "records." + (i + 1) + ".member.data");
      records.add(new RecordAppender.Outgoing(entry.string("PartitionKey"), entry.string("ExplicitHashKey"), entry.blob("Data")));
    }
    // Routing checks every ExplicitHashKey, so a bad one fails the whole call before anything is written.
    // Routed once before anything is appended, so a bad ExplicitHashKey fails the whole call.
    for (RecordAppender.Outgoing record : records) RecordRouter.route(stream, record.partitionKey(), record.explicitHashKey());
    DryRun.stopIfRequested(input);
    long started = System.nanoTime();
    Future<RecordAppender.Placed> appended = appender.append(stream, records).andThen(done -> {
      long elapsed = System.nanoTime() - started;
      if (done.succeeded()) {
        count(stream, records.size(), done.result(), elapsed);
      } else {
        streamMetrics.of(stream).putRecords(elapsed, records.size(), 0, 0, records.size(), 0);
      }
    });
    return appended.map(placed -> new Response() {
      @Override
      public void writeMembers(ResponseWriter writer) {
        writer.field("FailedRecordCount", placed.failedCount()).startArray("Records");
        for (int i = 0; i < placed.sequenceNumbers().length; i++) {
          writer.startObject();
          if (placed.sequenceNumbers()[i] != null) {
            writer.field("SequenceNumber", placed.sequenceNumbers()[i]).field("ShardId", placed.shards()[i].shardId());
          } else if (placed.throttled()[i]) {
            writer.field("ErrorCode", Throttling.ERROR)
                .field("ErrorMessage", Throttling.writeRateExceeded(stream, placed.shards()[i]));
          } else {
            writer.field("ErrorCode", "InternalFailure").field("ErrorMessage", "Internal service failure.");
          }
          writer.endObject();
        }
        writer.endArray().field("EncryptionType", RecordRouting.encryptionType(stream));
      }

      @Override
      public int sizeHint() {
        return 32 + placed.sequenceNumbers().length * 110;
      }
    });
  }

  /** PutRecords.* of one call: how its records fared, and the bytes of those put. */
  private void count(StreamDescriptor stream, int total, RecordAppender.Placed placed, long elapsedNanos) {
    int successful = 0;
    int throttled = 0;
    for (int i = 0; i < total; i++) {
      if (placed.sequenceNumbers()[i] != null) {
        successful++;
      } else if (placed.throttled()[i]) {
        throttled++;
      }
    }
    streamMetrics.of(stream).putRecords(elapsedNanos, total, successful, throttled,
        total - successful - throttled, placed.bytesPut());
  }
}
