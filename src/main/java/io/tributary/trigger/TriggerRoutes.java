package io.tributary.trigger;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The trigger API of the management port, answered by {@link TriggerVerticle} over the event bus, with the
 * members of Lambda's event source mapping API:
 * <pre>
 *   GET    /triggers                 ListEventSourceMappings (?EventSourceArn=, ?FunctionName=)   200
 *   POST   /triggers                 CreateEventSourceMapping (body: its members + TargetUrl)       202, 400, 409
 *   GET    /triggers/{UUID}          GetEventSourceMapping, with the trigger's Status               200, 404
 *   PUT    /triggers/{UUID}          UpdateEventSourceMapping                                       202, 400, 404, 409
 *   POST   /triggers/{UUID}/pause    Enabled: false                                                 202, 404
 *   POST   /triggers/{UUID}/resume   Enabled: true                                                  202, 404
 *   DELETE /triggers/{UUID}          DeleteEventSourceMapping                                       202, 404, 409
 * </pre>
 * Errors answer as Lambda does: {@code x-amzn-ErrorType} and {@code {"Type": "User", "Message": "..."}}.
 */
public final class TriggerRoutes {
  /** Stopping a trigger waits for the invocations under way. */
  private static final long TIMEOUT_MILLIS = 300_000;

  private TriggerRoutes() { }

  /** Adds the routes to the management router. */
  public static void mount(Vertx vertx, Router router) {
    router.get("/triggers").handler(ctx -> ask(vertx, ctx, "list", null, new JsonObject()
        .put("EventSourceArn", ctx.queryParams().get("EventSourceArn"))
        .put("FunctionName", ctx.queryParams().get("FunctionName")), 200));
    router.post("/triggers").handler(ctx -> withBody(ctx, body -> ask(vertx, ctx, "create", null, body, 202)));
    router.get("/triggers/:uuid").handler(ctx -> ask(vertx, ctx, "get", ctx.pathParam("uuid"), null, 200));
    router.put("/triggers/:uuid").handler(ctx -> withBody(ctx, body -> ask(vertx, ctx, "update", ctx.pathParam("uuid"), body, 202)));
    router.post("/triggers/:uuid/pause").handler(ctx -> ask(vertx, ctx, "disable", ctx.pathParam("uuid"), null, 202));
    router.post("/triggers/:uuid/resume").handler(ctx -> ask(vertx, ctx, "enable", ctx.pathParam("uuid"), null, 202));
    router.delete("/triggers/:uuid").handler(ctx -> ask(vertx, ctx, "delete", ctx.pathParam("uuid"), null, 202));
  }

  private static void withBody(RoutingContext ctx, java.util.function.Consumer<JsonObject> then) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      body = null;
    }
    if (body == null) {
      error(ctx, 400, "InvalidParameterValueException", "the body must be a JSON object");
      return;
    }
    then.accept(body);
  }

  private static void ask(Vertx vertx, RoutingContext ctx, String action, String uuid, JsonObject body, int status) {
    JsonObject request = new JsonObject().put("action", action).put("uuid", uuid).put("body", body);
    vertx.eventBus().<JsonObject>request(TriggerVerticle.ADDRESS, request, new DeliveryOptions().setSendTimeout(TIMEOUT_MILLIS))
        .onSuccess(reply -> {
          ctx.response().setStatusCode(status);
          ctx.json(reply.body());
        })
        .onFailure(failure -> {
          if (failure instanceof ReplyException reply && reply.failureCode() >= 400 && reply.getMessage() != null
              && reply.getMessage().contains("\n")) {
            String[] parts = reply.getMessage().split("\n", 2);
            error(ctx, reply.failureCode(), parts[0], parts[1]);
          } else {
            error(ctx, 503, "ServiceException", "triggers are not running: " + failure.getMessage());
          }
        });
  }

  private static void error(RoutingContext ctx, int status, String type, String message) {
    ctx.response().setStatusCode(status).putHeader("x-amzn-ErrorType", type);
    ctx.json(new JsonObject().put("Type", "User").put("Message", message));
  }
}
