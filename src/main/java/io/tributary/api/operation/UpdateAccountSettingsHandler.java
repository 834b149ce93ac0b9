package io.tributary.api.operation;

import java.time.Clock;
import io.tributary.stream.StreamRegistry;
import io.tributary.stream.MetadataWriter;
import io.tributary.api.OperationHandler;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Member;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.Shape;
import io.tributary.stream.BillingCommitment;
import io.vertx.core.Future;
import java.util.List;

/**
 * UpdateAccountSettings: enables or disables the account's minimum throughput billing commitment in the
 * region, at once. A commitment asked to end before its first 24 hours are over stays enabled until then
 * (ENABLED_UNTIL_EARLIEST_ALLOWED_END); enabling it again meanwhile cancels the end.
 */
public final class UpdateAccountSettingsHandler implements OperationHandler {
  private static final Shape COMMITMENT = Shape.of(
      Member.string("Status").notNull().oneOf(List.of("ENABLED", "DISABLED")));
  private static final Shape INPUT = Shape.of(
      Member.structure("MinimumThroughputBillingCommitment", COMMITMENT).notNull());

  private final Clock clock;
  private final StreamRegistry registry;
  private final MetadataWriter metadata;

  public UpdateAccountSettingsHandler(Clock clock, StreamRegistry registry, MetadataWriter metadata) {
    this.clock = clock;
    this.registry = registry;
    this.metadata = metadata;
  }

  @Override
  public Shape input() {
    return INPUT;
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    boolean enable = input.structure("MinimumThroughputBillingCommitment").string("Status").equals("ENABLED");
    long now = clock.millis();
    return metadata.commit(() -> registry.updateAccountSettings(context.account(),
            context.region(), settings -> {
              BillingCommitment commitment = settings.commitment();
              return settings.withCommitment(enable ? commitment.enable(now) : commitment.disable(now));
            }))
        .map(updated -> writer -> AccountSettingsWriter.write(writer, updated.commitment(), now));
  }
}
