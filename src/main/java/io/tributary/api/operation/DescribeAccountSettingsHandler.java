package io.tributary.api.operation;

import java.time.Clock;
import io.tributary.stream.StreamRegistry;
import io.tributary.api.OperationHandler;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.Shape;
import io.tributary.stream.BillingCommitment;
import io.vertx.core.Future;

/** DescribeAccountSettings: the account's minimum throughput billing commitment in the region. */
public final class DescribeAccountSettingsHandler implements OperationHandler {
  private static final Shape INPUT = Shape.of();

  private final Clock clock;
  private final StreamRegistry registry;

  public DescribeAccountSettingsHandler(Clock clock, StreamRegistry registry) {
    this.clock = clock;
    this.registry = registry;
  }

  @Override
  public Shape input() {
    return INPUT;
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    BillingCommitment commitment =
        registry.accountSettings(context.account(), context.region()).commitment();
    long now = clock.millis();
    return Future.succeededFuture(writer -> AccountSettingsWriter.write(writer, commitment, now));
  }
}
