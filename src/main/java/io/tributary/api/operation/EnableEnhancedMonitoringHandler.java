package io.tributary.api.operation;

import io.tributary.Services;
import io.tributary.api.OperationHandler;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.Shape;
import io.tributary.stream.StreamDescriptor;
import io.vertx.core.Future;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * EnableEnhancedMonitoring: switches on shard-level metrics (ALL: every one), in effect at once. The answer
 * lists the metrics on before and after, in the order AWS lists them.
 */
public final class EnableEnhancedMonitoringHandler implements OperationHandler {
  private static final Shape INPUT = Shape.of(
      ShardLevelMetrics.member(),
      StreamMembers.streamName(),
      StreamMembers.streamArn(),
      StreamMembers.streamId());

  private final Services services;

  public EnableEnhancedMonitoringHandler(Services services) {
    this.services = services;
  }

  @Override
  public Shape input() {
    return INPUT;
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    StreamDescriptor stream = StreamMembers.requireActive(StreamMembers.find(services.registry(), context, input));
    Set<String> named = ShardLevelMetrics.named(input.strings("ShardLevelMetrics"));
    List<String> current = stream.shardLevelMetrics();
    Set<String> desired = new HashSet<>(current);
    desired.addAll(named);
    List<String> after = ShardLevelMetrics.inAwsOrder(desired);
    return services.lifecycle().update(stream, b -> b.shardLevelMetrics(after)).map(updated -> writer -> {
      writer.field("StreamName", stream.name());
      ShardLevelMetrics.write(writer, "CurrentShardLevelMetrics", current);
      ShardLevelMetrics.write(writer, "DesiredShardLevelMetrics", after);
      writer.field("StreamARN", stream.arn());
    });
  }
}
