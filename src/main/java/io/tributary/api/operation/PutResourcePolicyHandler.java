package io.tributary.api.operation;

import io.tributary.stream.StreamRegistry;
import io.tributary.stream.StreamLifecycle;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.api.KinesisException;
import io.tributary.api.OperationHandler;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Member;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.Shape;
import io.vertx.core.Future;

/**
 * PutResourcePolicy: attaches a policy to a stream or a consumer, replacing any it had. The policy must be
 * a JSON object; it is kept as given and not evaluated (this server does not authorize calls).
 */
public final class PutResourcePolicyHandler implements OperationHandler {
  private static final Shape INPUT = Shape.of(
      ResourceArn.member(),
      StreamMembers.streamId(),
      Member.string("Policy").notNull());
  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final StreamRegistry registry;
  private final StreamLifecycle lifecycle;

  public PutResourcePolicyHandler(StreamRegistry registry, StreamLifecycle lifecycle) {
    this.registry = registry;
    this.lifecycle = lifecycle;
  }

  @Override
  public Shape input() {
    return INPUT;
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    ResourceArn.Resource resource = ResourceArn.parse(input.string("ResourceARN")).find(registry).requireActive();
    String policy = input.string("Policy");
    if (!isJsonObject(policy)) {
      throw KinesisException.invalidArgument("Invalid policy document. The policy must be a valid JSON object.");
    }
    return lifecycle.update(resource.stream(), b -> b.putPolicy(resource.arn(), policy)).map(Response.EMPTY);
  }

  private static boolean isJsonObject(String text) {
    try {
      JsonNode document = JSON.readTree(text);
      return document != null && document.isObject();
    } catch (JsonProcessingException e) {
      return false;
    }
  }
}
