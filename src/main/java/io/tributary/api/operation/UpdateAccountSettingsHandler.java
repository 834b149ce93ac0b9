package io.tributary.api.operation;

import io.tributary.Services;
import io.tributary.api.OperationHandler;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Member;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.Shape;
import io.tributary.stream.AccountSettings;
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

  private final Services services;

  public UpdateAccountSettingsHandler(Services services) {
    this.services = services;
  }

  @Override
  public Shape input() {
    return INPUT;
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    boolean enable = input.structure("MinimumThroughputBillingCommitment").string("Status").equals("ENABLED");
    long now = services.clock().millis();
    return services.metadata().commit(() -> services.registry().updateAccountSettings(context.account(),
            context.region(), settings -> {
              BillingCommitment commitment = settings.commitment();
              return settings.withCommitment(enable ? commitment.enable(now) : commitment.disable(now));
            }))
        .map(updated -> writer -> AccountSettingsWriter.write(writer, updated.commitment(), now));
  }
}
