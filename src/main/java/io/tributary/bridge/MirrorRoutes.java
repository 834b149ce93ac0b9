package io.tributary.bridge;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The mirror API of the management port, answered by {@link BridgeVerticle} over the event bus:
 * <pre>
 *   GET    /mirrors                  every mirror with its status
 *   POST   /mirrors                  create one (body: a definition)         201, 400, 409
 *   GET    /mirrors/{name}           its status                              200, 404
 *   POST   /mirrors/{name}/pause     pause it                                200, 404
 *   POST   /mirrors/{name}/resume    resume it                               200, 404
 *   DELETE /mirrors/{name}           stop and forget it                      200, 404, 409
 *   GET    /mirrors/{name}/compare   compare the stream and the topic        200, 404
 * </pre>
 * Errors answer {@code {"error": "..."}}. The management router reads the body, within its bound, before
 * these routes run.
 */
public final class MirrorRoutes {
  /** A comparison reads both sides in full. */
  private static final long COMPARE_TIMEOUT_MILLIS = 300_000;

  private MirrorRoutes() { }

  /** Adds the routes to the management router. */
  public static void mount(Vertx vertx, Router router) {
    router.get("/mirrors").handler(ctx -> ask(vertx, ctx, "list", null, null, 200));
    router.post("/mirrors").handler(ctx -> {
      JsonObject definition;
      try {
        definition = ctx.body().asJsonObject();
      } catch (RuntimeException e) {
        definition = null;
      }
      if (definition == null) {
        error(ctx, 400, "the body must be a JSON object: a mirror definition");
        return;
      }
      ask(vertx, ctx, "create", null, definition, 201);
    });
    router.get("/mirrors/:name").handler(ctx -> ask(vertx, ctx, "status", ctx.pathParam("name"), null, 200));
    router.post("/mirrors/:name/pause").handler(ctx -> ask(vertx, ctx, "pause", ctx.pathParam("name"), null, 200));
    router.post("/mirrors/:name/resume").handler(ctx -> ask(vertx, ctx, "resume", ctx.pathParam("name"), null, 200));
    router.delete("/mirrors/:name").handler(ctx -> ask(vertx, ctx, "delete", ctx.pathParam("name"), null, 200));
    router.get("/mirrors/:name/compare").handler(ctx -> ask(vertx, ctx, "compare", ctx.pathParam("name"), null, 200));
  }

  private static void ask(Vertx vertx, RoutingContext ctx, String action, String name, JsonObject definition, int status) {
    JsonObject request = new JsonObject().put("action", action).put("name", name).put("definition", definition);
    vertx.eventBus().<JsonObject>request(BridgeVerticle.ADDRESS, request, new DeliveryOptions().setSendTimeout(COMPARE_TIMEOUT_MILLIS))
        .onSuccess(reply -> {
          ctx.response().setStatusCode(status);
          ctx.json(reply.body());
        })
        .onFailure(failure -> error(ctx,
            failure instanceof ReplyException reply && reply.failureCode() >= 400 ? reply.failureCode() : 503,
            failure.getMessage()));
  }

  private static void error(RoutingContext ctx, int status, String message) {
    ctx.response().setStatusCode(status);
    ctx.json(new JsonObject().put("error", message));
  }
}
