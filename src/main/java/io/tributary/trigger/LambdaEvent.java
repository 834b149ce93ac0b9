package io.tributary.trigger;

import io.tributary.shard.ShardRecord;
import io.tributary.stream.ShardDescriptor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * The event Lambda passes a function for a batch of Kinesis records:
 * <pre>
 *   {"Records": [{"kinesis": {"kinesisSchemaVersion": "1.0", "partitionKey": "k", "sequenceNumber": "4959...",
 *                             "data": "&lt;base64&gt;", "approximateArrivalTimestamp": 1545084650.987},
 *                 "eventSource": "aws:kinesis", "eventVersion": "1.0", "eventID": "shardId-...:4959...",
 *                 "eventName": "aws:kinesis:record", "invokeIdentityArn": "arn:aws:iam::...:role/...",
 *                 "awsRegion": "us-east-1", "eventSourceARN": "arn:aws:kinesis:...:stream/name"}]}
 * </pre>
 * With a tumbling window the event also carries {@code window} ({@code start}, {@code end}, ISO-8601),
 * {@code state} (what the previous invocation of the window answered), {@code shardId},
 * {@code eventSourceARN}, {@code isFinalInvokeForWindow} and {@code isWindowTerminatedEarly}.
 */
final class LambdaEvent {
  /** Bytes of one record's JSON besides its key and base64 data (the fixed members, ARNs, ids): a generous bound. */
  private static final int RECORD_OVERHEAD_BYTES = 700;

  private LambdaEvent() { }

  /** Where a batch's records came from, and who invokes. */
  record Source(String streamArn, String region, String invokeIdentityArn, ShardDescriptor shard) { }

  /** A tumbling window: its bounds, the state so far, and whether this is its last invocation. */
  record Window(long startMillis, long endMillis, JsonObject state, boolean last, boolean terminatedEarly) { }

  /** An upper bound of the bytes a record adds to an event, to keep events within the payload limit. */
  static long sizeOf(ShardRecord record) {
    return 4L * ((record.data().length + 2) / 3) + 2L * record.partitionKey().length() + RECORD_OVERHEAD_BYTES;
  }

  static Buffer encode(Source source, List<ShardRecord> records, Window window) {
    JsonArray list = new JsonArray();
    Base64.Encoder base64 = Base64.getEncoder();
    for (ShardRecord record : records) {
      String sequenceNumber = source.shard().sequenceNumber(record.offset(), record.arrivalMillis());
      list.add(new JsonObject()
          .put("kinesis", new JsonObject()
              .put("kinesisSchemaVersion", "1.0")
              .put("partitionKey", record.partitionKey())
              .put("sequenceNumber", sequenceNumber)
              .put("data", base64.encodeToString(record.data()))
              .put("approximateArrivalTimestamp", record.arrivalMillis() / 1000.0))
          .put("eventSource", "aws:kinesis")
          .put("eventVersion", "1.0")
          .put("eventID", source.shard().shardId() + ":" + sequenceNumber)
          .put("eventName", "aws:kinesis:record")
          .put("invokeIdentityArn", source.invokeIdentityArn())
          .put("awsRegion", source.region())
          .put("eventSourceARN", source.streamArn()));
    }
    JsonObject event = new JsonObject().put("Records", list);
    if (window != null) {
      event.put("window", new JsonObject()
              .put("start", Instant.ofEpochMilli(window.startMillis()).toString())
              .put("end", Instant.ofEpochMilli(window.endMillis()).toString()))
          .put("state", window.state() == null ? new JsonObject() : window.state())
          .put("shardId", source.shard().shardId())
          .put("eventSourceARN", source.streamArn())
          .put("isFinalInvokeForWindow", window.last())
          .put("isWindowTerminatedEarly", window.terminatedEarly());
    }
    return event.toBuffer();
  }
}
