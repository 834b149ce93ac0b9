package io.tributary.api.operation;

import io.tributary.api.OperationHandler;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.Shape;
import io.tributary.stream.StreamRegistry;
import io.vertx.core.Future;

/** DescribeLimits: the account's shard and on-demand stream limits in the region, and how much of them is used. */
public final class DescribeLimitsHandler implements OperationHandler {
  private static final Shape INPUT = Shape.of();

  private final StreamRegistry registry;

  public DescribeLimitsHandler(StreamRegistry registry) {
    this.registry = registry;
  }

  @Override
  public Shape input() {
    return INPUT;
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    int openShards = registry.openShardCount(context.account(), context.region());
    int onDemandStreams = registry.onDemandStreamCount(context.account(), context.region());
    return Future.succeededFuture(writer -> writer
        .field("ShardLimit", registry.shardLimit())
        .field("OpenShardCount", openShards)
        .field("OnDemandStreamCount", onDemandStreams)
        .field("OnDemandStreamCountLimit", registry.onDemandStreamLimit()));
  }
}
