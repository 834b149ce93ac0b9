package io.tributary.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.DomainException;
import io.tributary.Services;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.ResponseWriter;
import io.tributary.api.wire.WireFormat;
import io.tributary.shard.ShardUnavailableException;
import io.tributary.stream.MetadataNotKeptException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a Kinesis operation for a caller inside the server (the web console) as the front end runs a call
 * that reached it in JSON: the input is decoded and validated by the operation's shape, admitted (resource
 * access, injected faults, call rates) and handed to the same handler, for the account and region given.
 * The answer is the JSON document a client would get; a refusal fails with the {@link KinesisException}
 * a client would get, word for word. Runs on an event loop, as the handlers do.
 */
public final class OperationRunner {
  private static final Logger LOG = LoggerFactory.getLogger(OperationRunner.class);

  private final Map<Operation, OperationHandler> handlers = new EnumMap<>(Operation.class);

  public OperationRunner(Services services) {
    for (Operation operation : Operation.values()) {
      if (operation == Operation.SUBSCRIBE_TO_SHARD) continue;  // a streamed answer: not callable here
      handlers.put(operation, Admission.wrap(services, operation, operation.newHandler(services)));
    }
  }

  /** The operation's answer as JSON (empty for an operation whose output is empty). */
  public Future<JsonObject> run(Operation operation, String account, String region, JsonNode input) {
    OperationHandler handler = handlers.get(operation);
    if (handler == null) {
      return Future.failedFuture(KinesisException.bare("UnknownOperationException"));
    }
    RequestContext context = new RequestContext(account, region, WireFormat.JSON, UUID.randomUUID().toString());
    try {
      Input decoded = handler.input().decode(input, WireFormat.JSON);
      handler.input().validate(decoded);
      return handler.handle(context, decoded)
          .map(OperationRunner::toJson)
          .recover(failure -> Future.failedFuture(asKinesisError(operation, failure)));
    } catch (RuntimeException e) {
      return Future.failedFuture(asKinesisError(operation, e));
    }
  }

  private static JsonObject toJson(Response response) {
    if (response == Response.EMPTY) return new JsonObject();
    ResponseWriter writer = new ResponseWriter(WireFormat.JSON, response.sizeHint());
    writer.startObject();
    response.writeMembers(writer);
    writer.endObject();
    return new JsonObject(writer.finish());
  }

  /** As the front end maps failures: a domain refusal to its Kinesis error, anything unforeseen to InternalFailure. */
  private static KinesisException asKinesisError(Operation operation, Throwable failure) {
    if (failure instanceof KinesisException kinesis) return kinesis;
    if (failure instanceof DomainException refusal) return KinesisException.from(refusal);
    if (!(failure instanceof MetadataNotKeptException) && !(failure instanceof ShardUnavailableException)) {
      LOG.error("{} failed", operation.wireName(), failure);
    }
    return KinesisException.internalFailure();
  }
}
