package io.tributary.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.Services;
import io.tributary.api.KinesisException;
import io.tributary.api.Operation;
import io.tributary.api.OperationRunner;
import io.tributary.shard.ShardRequest.Position;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.tributary.stream.StreamKey;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.Set;

/**
 * The web console of the management port (behind its token, like every management route):
 * <pre>
 *   GET  /console/                                               the pages (resources under console/)
 *   GET  /console/api/streams                                    every stream of every account and region
 *   GET  /console/api/streams/{account}/{region}/{name}          one stream: shards, rates, consumers, mirrors
 *   GET  /console/api/streams/{account}/{region}/{name}/shards/{shardId}/tail?from=LATEST|TRIM_HORIZON|AT_TIMESTAMP&amp;timestamp=MS
 *                                                                a live tail, as server-sent events ({@link LiveTail})
 *   POST /console/api/actions/{Operation}                        body {"account", "region", "input": {...}}
 * </pre>
 * An action runs the Kinesis operation's own handler for that account and region ({@link OperationRunner}), so
 * it is validated and refused exactly as the API call: 200 with the operation's JSON answer, or the API's
 * status with {@code {"__type", "message"}}. Only the operations in {@link #ACTIONS} can be run. An action
 * must be sent as {@code application/json} and, when the browser names its origin, from the console's own
 * origin, so that another site open in the same browser cannot post one. Without a management token the
 * console answers only requests addressed to a loopback name ({@code localhost}, {@code 127.x.x.x},
 * {@code [::1]}), so that a site whose name is made to resolve to 127.0.0.1 (DNS rebinding) cannot use it; with
 * a token, such a site has no credentials.
 */
public final class ConsoleRoutes {
  static final Set<Operation> ACTIONS = Set.of(Operation.CREATE_STREAM, Operation.DELETE_STREAM, Operation.SPLIT_SHARD,
      Operation.MERGE_SHARDS, Operation.UPDATE_SHARD_COUNT, Operation.INCREASE_STREAM_RETENTION_PERIOD,
      Operation.DECREASE_STREAM_RETENTION_PERIOD);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STREAM_PATH = "/console/api/streams/:account/:region/:name";
  /** The pages load nothing but their own files; SVG charts are styled inline. */
  private static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'";

  private static final java.util.regex.Pattern LOOPBACK_HOST =
      java.util.regex.Pattern.compile("localhost|127(\\.\\d{1,3}){3}|\\[?::1]?", java.util.regex.Pattern.CASE_INSENSITIVE);

  private final Services services;
  private final boolean tokenRequired;
  private final OperationRunner operations;
  private final ShardTipSampler traffic;
  private final StreamViews views;
  private final LiveTails tails;

  private ConsoleRoutes(Services services, boolean tokenRequired) {
    this.services = services;
    this.tokenRequired = tokenRequired;
    this.operations = new OperationRunner(services);
    this.traffic = new ShardTipSampler(services);
    this.views = new StreamViews(services, traffic);
    this.tails = new LiveTails(services.meters());
  }

  /**
   * Adds the console to the management router; call on the management verticle's context. {@code tokenRequired}:
   * the management routes require a token (checked before these routes run).
   */
  public static void mount(Services services, Router router, boolean tokenRequired) {
    new ConsoleRoutes(services, tokenRequired).addTo(router);
  }

  private void addTo(Router router) {
    router.routeWithRegex("/console(/.*)?").handler(ctx -> {
      ctx.response().putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
          .putHeader("X-Content-Type-Options", "nosniff")
          .putHeader("Referrer-Policy", "no-referrer");
      if (!tokenRequired && !loopbackHost(ctx)) {
        error(ctx, 403, "AccessDeniedException", "without a management token the console answers only on a loopback"
            + " name (localhost, 127.0.0.1, [::1]); set management.token to reach it by another name");
        return;
      }
      ctx.next();
    });
    router.get("/console").handler(ctx -> {
      if (ctx.request().path().endsWith("/")) ctx.next(); else ctx.redirect("/console/");  // relative links need the slash
    });
    router.get("/console/api/streams").handler(ctx -> ctx.json(views.overview()));
    router.get(STREAM_PATH).handler(this::stream);
    router.get(STREAM_PATH + "/shards/:shardId/tail").handler(this::tail);
    router.post("/console/api/actions/:operation").handler(this::action);
    router.route("/console/api/*").handler(ctx -> error(ctx, 404, "NotFound", "no such console route"));
    router.get("/console/*").handler(StaticHandler.create("console").setCachingEnabled(false));
  }

  private void stream(RoutingContext ctx) {
    StreamDescriptor stream = streamOf(ctx);
    if (stream == null) return;
    views.detail(stream).onSuccess(ctx::json).onFailure(ctx::fail);
  }

  private void tail(RoutingContext ctx) {
    StreamDescriptor stream = streamOf(ctx);
    if (stream == null) return;
    ShardDescriptor shard = stream.shard(ctx.pathParam("shardId"));
    if (shard == null) {
      error(ctx, 404, "ResourceNotFoundException", "Shard " + ctx.pathParam("shardId") + " in stream " + stream.name()
          + " under account " + stream.key().account() + " does not exist");
      return;
    }
    String from = ctx.queryParams().get("from") == null ? "LATEST" : ctx.queryParams().get("from");
    Position position;
    long timestamp = 0;
    try {
      position = Position.valueOf(from);
      if (position == Position.AT_TIMESTAMP) timestamp = Long.parseLong(ctx.queryParams().get("timestamp"));
    } catch (RuntimeException e) {
      error(ctx, 400, "InvalidArgumentException",
          "from must be LATEST, TRIM_HORIZON or AT_TIMESTAMP, the last with timestamp in epoch milliseconds");
      return;
    }
    if (!tails.admit()) {
      error(ctx, 429, "LimitExceededException", LiveTails.MAX_TAILS + " live tails are open already");
      return;
    }
    services.shards().locate(stream, shard, position, timestamp)
        .onSuccess(offset -> LiveTail.start(services, tails, stream, shard, ctx.response(), from, offset))
        .onFailure(failure -> {
          tails.release();
          error(ctx, 500, "InternalFailure", "the shard cannot be read: " + failure.getMessage());
        });
  }

  private void action(RoutingContext ctx) {
    String contentType = String.valueOf(ctx.request().getHeader("Content-Type"));
    if (!contentType.startsWith("application/json") || !sameOrigin(ctx)) {
      error(ctx, 403, "AccessDeniedException", "console actions must come from the console: application/json, same origin");
      return;
    }
    Operation operation = Operation.named(ctx.pathParam("operation"));
    if (operation == null || !ACTIONS.contains(operation)) {
      error(ctx, 404, "UnknownOperationException", "the console does not run " + ctx.pathParam("operation"));
      return;
    }
    JsonNode body;
    try {
      body = JSON.readTree(ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes());
    } catch (Exception e) {
      body = null;
    }
    if (body == null || !body.isObject() || !body.path("account").isTextual() || !body.path("region").isTextual()) {
      error(ctx, 400, "SerializationException", "the body must be {\"account\", \"region\", \"input\": {...}}");
      return;
    }
    Future<JsonObject> answer = operations.run(operation, body.get("account").asText(), body.get("region").asText(),
        body.path("input").isObject() ? body.get("input") : JSON.createObjectNode());
    answer.onSuccess(ctx::json).onFailure(failure -> {
      KinesisException refused = (KinesisException) failure;
      error(ctx, refused.status(), refused.type(), refused.getMessage());
    });
  }

  private static boolean loopbackHost(RoutingContext ctx) {
    io.vertx.core.net.HostAndPort authority = ctx.request().authority();
    return authority != null && LOOPBACK_HOST.matcher(authority.host()).matches();
  }

  /** A browser names the page's origin on a POST; it must be this server's (host and port as the browser asked). */
  private static boolean sameOrigin(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    if (origin == null) return true;  // not sent by a browser page
    io.vertx.core.net.HostAndPort authority = ctx.request().authority();
    if (authority == null) return false;
    String host = authority.port() < 0 ? authority.host() : authority.host() + ":" + authority.port();
    return origin.equals("http://" + host) || origin.equals("https://" + host);
  }

  /** The stream the path names, or null after answering 404. */
  private StreamDescriptor streamOf(RoutingContext ctx) {
    StreamKey key = new StreamKey(ctx.pathParam("account"), ctx.pathParam("region"), ctx.pathParam("name"));
    StreamDescriptor stream = services.registry().find(key);
    if (stream == null) {
      error(ctx, 404, "ResourceNotFoundException", "Stream " + key.name() + " under account " + key.account() + " not found.");
    }
    return stream;
  }

  private static void error(RoutingContext ctx, int status, String type, String message) {
    ctx.response().setStatusCode(status);
    ctx.json(new JsonObject().put("__type", type).put("message", message));
  }
}
