package io.tributary.trigger;

import io.tributary.shard.ShardRecord;
import io.tributary.stream.ShardDescriptor;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Where a trigger sends the description of a batch it gives up on (DestinationConfig.OnFailure): another
 * stream ({@link StreamDestination}) or a Kafka topic ({@link KafkaTopicDestination}); one record (key: the
 * source shard id) holding the invocation record Lambda sends for a Kinesis source:
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
interface FailureDestination {
  String RETRIES_EXHAUSTED = "RetryAttemptsExhausted";
  String RECORD_AGE_EXCEEDED = "RecordAgeExceeded";

  static JsonObject describe(String functionArn, String streamArn, ShardDescriptor shard, List<ShardRecord> batch,
      String condition, int invokeCount, String functionError, long nowMillis) {
    ShardRecord first = batch.get(0);
    ShardRecord last = batch.get(batch.size() - 1);
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

  /** Sends the description; fails when the destination did not take it, so the caller retries. */
  Future<Void> send(ShardDescriptor source, JsonObject description);

  /** Releases what the destination holds (a Kafka producer); never fails. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
