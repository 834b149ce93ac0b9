package io.tributary.api.operation;

import io.tributary.stream.StreamRegistry;
import io.tributary.stream.StreamLifecycle;
import io.tributary.api.KinesisException;
import io.tributary.api.OperationHandler;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Member;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.Shape;
import io.tributary.stream.StreamDescriptor;
import io.vertx.core.Future;

/**
 * UpdateMaxRecordSize: the largest record (1 to 10 MiB) that PutRecord and PutRecords accept on a stream,
 * in effect at once. The stream is named by its ARN only.
 */
public final class UpdateMaxRecordSizeHandler implements OperationHandler {
  private static final Shape INPUT = Shape.of(
      StreamMembers.streamArn(),
      StreamMembers.streamId(),
      Member.integer("MaxRecordSizeInKiB").notNull().min(1024).max(10240));

  private final StreamRegistry registry;
  private final StreamLifecycle lifecycle;

  public UpdateMaxRecordSizeHandler(StreamRegistry registry, StreamLifecycle lifecycle) {
    this.registry = registry;
    this.lifecycle = lifecycle;
  }

  @Override
  public Shape input() {
    return INPUT;
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    // The model leaves StreamARN optional, yet it is the only way to name the stream.
    if (input.string("StreamARN") == null) {
      throw KinesisException.client("ValidationException", "1 validation error detected: Value null at 'streamARN' "
          + "failed to satisfy constraint: Member must not be null");
    }
    StreamDescriptor stream = StreamMembers.requireActive(StreamMembers.find(registry, context, input));
    int sizeKiB = input.integer("MaxRecordSizeInKiB");
    return lifecycle.update(stream, b -> b.maxRecordSizeKiB(sizeKiB)).map(Response.EMPTY);
  }
}
