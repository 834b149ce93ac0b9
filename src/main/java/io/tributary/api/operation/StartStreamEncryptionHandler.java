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
 * StartStreamEncryption: server-side encryption with a KMS key, or a new key for it (UPDATING, then ACTIVE).
 * Records written from then on report EncryptionType KMS. Data is not actually encrypted at rest here.
 */
public final class StartStreamEncryptionHandler implements OperationHandler {
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

  public StartStreamEncryptionHandler(Vertx vertx, Clock clock, StreamRegistry registry, StreamLifecycle lifecycle) {
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
    String keyId = EncryptionMembers.checkedKeyId(input);
    StreamMembers.requireActive(stream);
    return EncryptionMembers.switchEncryption(lifecycle, clock, vertx, stream, "KMS", keyId);
  }
}
