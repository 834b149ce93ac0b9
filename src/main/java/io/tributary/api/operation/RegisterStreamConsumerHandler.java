package io.tributary.api.operation;

import io.tributary.stream.StreamRegistry;
import io.tributary.stream.ConsumerLifecycle;
import io.tributary.api.KinesisException;
import io.tributary.api.OperationHandler;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.Shape;
import io.tributary.stream.StreamDescriptor;
import io.vertx.core.Future;
import java.util.Map;

/**
 * RegisterStreamConsumer: registers an enhanced fan-out consumer on an ACTIVE stream. It answers with the
 * consumer CREATING; it turns ACTIVE after {@code consumer.create.delay.ms}. At most 20 consumers per
 * stream, 5 of them CREATING at once.
 */
public final class RegisterStreamConsumerHandler implements OperationHandler {
  private static final Shape INPUT = Shape.of(
      StreamMembers.streamArn().notNull(),
      ConsumerMembers.consumerName().notNull(),
      StreamMembers.streamId(),
      TagRules.tagMap("Tags"));

  private final StreamRegistry registry;
  private final ConsumerLifecycle consumers;

  public RegisterStreamConsumerHandler(StreamRegistry registry, ConsumerLifecycle consumers) {
    this.registry = registry;
    this.consumers = consumers;
  }

  @Override
  public Shape input() {
    return INPUT;
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    StreamDescriptor stream = StreamMembers.find(registry, context, input);
    if (!stream.acceptsData()) {
      throw KinesisException.resourceInUse("Stream " + stream.name() + " under account " + stream.key().account()
          + " not ACTIVE, instead in state " + stream.status());
    }
    String name = input.string("ConsumerName");
    Map<String, String> tags = input.has("Tags") ? TagRules.given(input.stringMap("Tags")) : Map.of();
    TagRules.checkAdd(tags, Map.of(), "Failed to register consumer " + name + " under account " + stream.key().account(),
        "consumer", TagRules.MAX_TAGS);
    return consumers.register(stream, name, tags).map(consumer -> writer -> {
      writer.startObject("Consumer");
      ConsumerMembers.writeConsumer(writer, consumer);
      writer.endObject();
    });
  }
}
