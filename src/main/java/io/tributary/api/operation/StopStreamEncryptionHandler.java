package io.tributary.api.operation;

import io.tributary.Services;
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

  private final Services services;

  public StopStreamEncryptionHandler(Services services) {
    this.services = services;
  }

  @Override
  public Shape input() {
    return INPUT;
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    StreamDescriptor stream = StreamMembers.find(services.registry(), context, input);
    EncryptionMembers.checkedKeyId(input);
    StreamMembers.requireActive(stream);
    return EncryptionMembers.switchEncryption(services, stream, "NONE", null);
  }
}
