package io.tributary.api.operation;

import static io.tributary.api.wire.StreamedShape.blob;
import static io.tributary.api.wire.StreamedShape.bool;
import static io.tributary.api.wire.StreamedShape.integer;
import static io.tributary.api.wire.StreamedShape.listOf;
import static io.tributary.api.wire.StreamedShape.string;

import io.tributary.api.Operation;
import io.tributary.api.wire.StreamedShape;

/**
 * The streamed decoders of the hot data calls, each listing the members of its handler's input
 * {@link io.tributary.api.wire.Shape} in the same order (a test holds them equal on many bodies).
 */
public final class StreamedInputs {
  private static final StreamedShape PUT_RECORDS = StreamedShape.of(
      listOf("Records", StreamedShape.of(string("PartitionKey"), string("ExplicitHashKey"), blob("Data"))),
      string("StreamName"), string("StreamARN"), string("StreamId"), bool("DryRun"));
  private static final StreamedShape PUT_RECORD = StreamedShape.of(
      string("SequenceNumberForOrdering"), string("PartitionKey"), string("ExplicitHashKey"), blob("Data"),
      string("StreamName"), string("StreamARN"), string("StreamId"), bool("DryRun"));
  private static final StreamedShape GET_RECORDS = StreamedShape.of(
      integer("Limit"), string("ShardIterator"), string("StreamARN"), string("StreamId"), bool("DryRun"));

  private StreamedInputs() { }

  /** The operation's streamed decoder, or null when it has none (its input is small or rare). */
  public static StreamedShape of(Operation operation) {
    if (operation == null) return null;
    return switch (operation) {
      case PUT_RECORDS -> PUT_RECORDS;
      case PUT_RECORD -> PUT_RECORD;
      case GET_RECORDS -> GET_RECORDS;
      default -> null;
    };
  }
}
