package io.tributary.api.operation;

import java.time.Clock;
import io.vertx.core.Vertx;
import io.tributary.stream.StreamRegistry;
import io.tributary.stream.StreamLifecycle;
import io.tributary.api.OperationHandler;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.Shape;
import io.tributary.stream.StreamDescriptor;
import io.vertx.core.Future;

/**
 * StopStreamEncryption: ends server-side encryption (UPDATING, then ACTIVE); records written from then on
 * report no encryption, those written before keep reporting KMS.
 */
public final class StopStreamEncryptionHandler implements OperationHandler {
  private static final Shape INPUT = Shape.of(
      StreamMembers.streamName(),
      EncryptionMembers.encryptionType(),
      EncryptionMembers.keyId(),
      StreamMembers.streamArn(),
      StreamMembers.streamId());

  private final Vertx vertx;
  private final Clock clock;
  private final StreamRegistry registry;
  private final StreamLifecycle lifecycle;

  public StopStreamEncryptionHandler(Vertx vertx, Clock clock, StreamRegistry registry, StreamLifecycle lifecycle) {
    this.vertx = vertx;
    this.clock = clock;
    this.registry = registry;
    this.lifecycle = lifecycle;
  }

  @Override
  public Shape input() {
    return INPUT;
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    StreamDescriptor stream = StreamMembers.find(registry, context, input);
    EncryptionMembers.checkedKeyId(input);
    StreamMembers.requireActive(stream);
    return EncryptionMembers.switchEncryption(lifecycle, clock, vertx, stream, "NONE", null);
  }
}
