package io.tributary.trigger;

import io.tributary.Services;
import io.tributary.api.operation.RecordAppender;
import io.tributary.log.StoredRecord;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.tributary.stream.StreamKey;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Where a trigger sends the description of a batch it gives up on (DestinationConfig.OnFailure): one record
 * appended to another stream, the way PutRecord appends (partition key: the source shard id), holding the
 * invocation record Lambda sends for a Kinesis source:
 * <pre>
 *   {"requestContext": {"requestId", "functionArn", "condition": "RetryAttemptsExhausted" | "RecordAgeExceeded",
 *                       "approximateInvokeCount"},
 *    "responseContext": {"statusCode", "executedVersion": "$LATEST", "functionError"},
 *    "version": "1.0", "timestamp": "...",
 *    "KinesisBatchInfo": {"shardId", "startSequenceNumber", "endSequenceNumber", "approximateArrivalOfFirstRecord",
 *                         "approximateArrivalOfLastRecord", "batchSize", "streamArn"}}
 * </pre>
 * The records themselves are not copied, as in Lambda: the sequence numbers find them in the source.
 */
final class FailureDestination {
  static final String RETRIES_EXHAUSTED = "RetryAttemptsExhausted";
  static final String RECORD_AGE_EXCEEDED = "RecordAgeExceeded";

  private final Services services;
  private final StreamKey stream;
  private final String functionArn;

  FailureDestination(Services services, StreamKey stream, String functionArn) {
    this.services = services;
    this.stream = stream;
    this.functionArn = functionArn;
  }

  static JsonObject describe(String functionArn, String streamArn, ShardDescriptor shard, List<StoredRecord> batch,
      String condition, int invokeCount, String functionError, long nowMillis) {
    StoredRecord first = batch.get(0);
    StoredRecord last = batch.get(batch.size() - 1);
    return new JsonObject()
        .put("requestContext", new JsonObject()
            .put("requestId", UUID.randomUUID().toString())
            .put("functionArn", functionArn)
            .put("condition", condition)
            .put("approximateInvokeCount", invokeCount))
        .put("responseContext", new JsonObject()
            .put("statusCode", 200)
            .put("executedVersion", "$LATEST")
            .put("functionError", functionError))
        .put("version", "1.0")
        .put("timestamp", Instant.ofEpochMilli(nowMillis).toString())
        .put("KinesisBatchInfo", new JsonObject()
            .put("shardId", shard.shardId())
            .put("startSequenceNumber", shard.sequenceNumber(first.offset(), first.arrivalMillis()))
            .put("endSequenceNumber", shard.sequenceNumber(last.offset(), last.arrivalMillis()))
            .put("approximateArrivalOfFirstRecord", Instant.ofEpochMilli(first.arrivalMillis()).toString())
            .put("approximateArrivalOfLastRecord", Instant.ofEpochMilli(last.arrivalMillis()).toString())
            .put("batchSize", batch.size())
            .put("streamArn", streamArn));
  }

  String functionArn() { return functionArn; }

  /** Appends the description; fails when the stream is missing or did not take it, so the caller retries. */
  Future<Void> send(ShardDescriptor source, JsonObject description) {
    StreamDescriptor target = services.registry().find(stream);
    if (target == null || !target.acceptsData()) {
      return Future.failedFuture(new IllegalStateException("failure destination " + stream.arn() + " does not exist or is not ACTIVE"));
    }
    RecordAppender.Outgoing record = new RecordAppender.Outgoing(source.shardId(), null,
        description.encode().getBytes(StandardCharsets.UTF_8));
    return RecordAppender.append(services, target, List.of(record)).compose(placed -> placed.failedCount() == 0
        ? Future.succeededFuture()
        : Future.failedFuture(new IllegalStateException("failure destination " + stream.arn() + " did not take the record")));
  }
}
