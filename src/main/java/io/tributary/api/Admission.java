package io.tributary.api;

import io.tributary.Services;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.Shape;
import io.tributary.api.faults.FaultInjector;
import io.tributary.api.operation.ResourceAccess;
import io.tributary.api.operation.SubscribeToShardHandler;
import io.tributary.limits.Quotas;
import io.tributary.stream.StreamRegistry;
import io.vertx.core.Future;

/**
 * What runs after a call is validated and before its handler: the check that the resource it names is the
 * caller's to act on ({@link ResourceAccess}), injected faults ({@link FaultInjector}), then the operation's
 * call rate ({@link Quotas}). A handler is wrapped once, when the front end is built.
 */
final class Admission {
  private final Operation operation;
  private final StreamRegistry registry;
  private final FaultInjector faults;
  private final Quotas quotas;
  private final CallRates callRates;
  private final Services services;

  private Admission(Services services, Operation operation) {
    this.services = services;
    this.operation = operation;
    this.registry = services.registry();
    this.faults = services.faults();
    this.quotas = services.quotas();
    this.callRates = services.callRates();
  }

  static OperationHandler wrap(Services services, Operation operation, OperationHandler handler) {
    Admission admission = new Admission(services, operation);
    if (handler instanceof StreamingOperationHandler streaming) {
      return new StreamingOperationHandler() {
        @Override
        public Shape input() { return streaming.input(); }

        @Override
        public Future<StreamingAnswer> open(RequestContext context, Input input) {
          return admission.then(context, input, () -> streaming.open(context, input));
        }
      };
    }
    return new OperationHandler() {
      @Override
      public Shape input() { return handler.input(); }

      @Override
      public Future<Response> handle(RequestContext context, Input input) {
        return admission.then(context, input, () -> handler.handle(context, input));
      }
    };
  }

  private <T> Future<T> then(RequestContext context, Input input, java.util.function.Supplier<Future<T>> call) {
    ResourceAccess.check(registry, context, operation, input);
    Future<Void> fault = faults.apply(operation, context, input);
    if (fault == null) {
      admitCall(context, input);
      return call.get();
    }
    return fault.compose(delayed -> {
      admitCall(context, input);
      return call.get();
    });
  }

  /** Fails the call with AWS's error when quotas are enforced and its operation's call rate is used up. */
  private void admitCall(RequestContext context, Input input) {
    if (!quotas.enforced()) return;
    try {
      callRates.admit(operation, context, input);
    } catch (KinesisException refused) {
      if (operation == Operation.SUBSCRIBE_TO_SHARD) {
        SubscribeToShardHandler.countRateExceeded(services.registry(), services.streamMetrics(), input.string("ConsumerARN"));
      }
      throw refused;
    }
  }
}
