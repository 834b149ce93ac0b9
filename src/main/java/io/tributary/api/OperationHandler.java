package io.tributary.api;

import io.tributary.api.wire.Input;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.Shape;
import io.vertx.core.Future;

/**
 * One Kinesis operation. {@link #input()} declares the request members and their rules, which are
 * checked before {@link #handle} runs; a handler fails its future with a {@link KinesisException}.
 * Handlers run on an event loop and must not block it.
 */
public interface OperationHandler {

  Shape input();

  Future<Response> handle(RequestContext context, Input input);
}
