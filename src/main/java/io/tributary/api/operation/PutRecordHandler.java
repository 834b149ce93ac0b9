package io.tributary.api.operation;

import java.time.Clock;
import io.tributary.stream.StreamRegistry;
import io.tributary.metrics.StreamMetrics;
import io.tributary.api.KinesisException;
import io.tributary.api.OperationHandler;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Member;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.Shape;
import io.tributary.api.Throttling;
import io.tributary.shard.RecordAppender;
import io.tributary.shard.RecordRouter;
import io.tributary.stream.StreamDescriptor;
import io.vertx.core.Future;
import java.util.List;

/**
 * PutRecord: one record, appended to the shard its hash key falls in. A shard orders all its records, so
 * SequenceNumberForOrdering's promise (strictly increasing numbers per partition key) holds by itself;
 * the member is only checked.
 */
public final class PutRecordHandler implements OperationHandler {
  /** The request members and their rules; the streamed decoder (StreamedInputs) lists the same. */
  public static final Shape INPUT = Shape.of(
      Member.string("SequenceNumberForOrdering").pattern(StreamMembers.SEQUENCE_NUMBER_PATTERN),
      Member.string("PartitionKey").listedWithOthers().length(1, 256),
      Member.string("ExplicitHashKey").pattern(StreamMembers.HASH_KEY_PATTERN),
      Member.blob("Data").notNull().maxLength(10 * 1024 * 1024),
      StreamMembers.streamName(),
      StreamMembers.streamArn(),
      StreamMembers.streamId(),
      DryRun.member());
  private static final Shape KEY_RULE = Shape.of(Member.string("PartitionKey").notNull());

  private final Clock clock;
  private final StreamRegistry registry;
  private final RecordAppender appender;
  private final StreamMetrics streamMetrics;

  public PutRecordHandler(Clock clock, StreamRegistry registry, RecordAppender appender, StreamMetrics streamMetrics) {
    this.clock = clock;
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
    String partitionKey = input.string("PartitionKey");
    byte[] data = input.blob("Data");
    RecordRouting.checkDataSize(stream, data, "data");
    String explicitHashKey = input.string("ExplicitHashKey");
    // Routed once before anything is appended, so a bad ExplicitHashKey fails the call.
    RecordRouter.route(stream, partitionKey, explicitHashKey);
    String ordering = input.string("SequenceNumberForOrdering");
    if (ordering != null && RecordRouter.isAutoDistributed(stream)) {
      throw KinesisException.invalidArgument("SequenceNumberForOrdering is not supported for stream " + stream.name()
          + " under account " + stream.key().account() + " because it uses the AUTO record distribution strategy.");
    }
    if (ordering != null) {
      AwsSequenceNumber decoded = AwsSequenceNumber.decode(ordering);
      if (decoded == null || !decoded.orders(clock.millis())) {
        throw KinesisException.invalidArgument("ExclusiveMinimumSequenceNumber " + ordering + " used in PutRecord on stream "
            + stream.name() + " under account " + stream.key().account() + " is invalid.");
      }
    }
    DryRun.stopIfRequested(input);
    long started = System.nanoTime();
    return appender.append(stream, List.of(new RecordAppender.Outgoing(partitionKey, explicitHashKey, data)))
        .andThen(done -> {
          boolean succeeded = done.succeeded() && done.result().failedCount() == 0;
          streamMetrics.of(stream).putRecord(System.nanoTime() - started, succeeded,
              succeeded ? done.result().bytesPut() : 0);
        })
        .map(placed -> {
          if (placed.throttled()[0]) throw Throttling.writeThrottled(stream, placed.shards()[0]);
          if (placed.failedCount() > 0) throw KinesisException.internalFailure();
          String shardId = placed.shards()[0].shardId();
          String sequenceNumber = placed.sequenceNumbers()[0];
          return writer -> writer.field("ShardId", shardId).field("SequenceNumber", sequenceNumber)
              .field("EncryptionType", RecordRouting.encryptionType(stream));
        });
  }
}
