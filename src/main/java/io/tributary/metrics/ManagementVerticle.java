package io.tributary.metrics;

import io.tributary.Services;
import io.tributary.bridge.MirrorRoutes;
import io.tributary.cluster.ClusterRoutes;
import io.tributary.console.ConsoleRoutes;
import io.tributary.api.faults.FaultRoutes;
import io.tributary.trigger.TriggerRoutes;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Set;

/**
 * The management port: {@code /metrics} in Prometheus text format, {@code /health} (503 once the server
 * cannot serve: a fatal error or a stalled event loop, see {@link io.tributary.ServerHealth})
 * and {@code /ready} (every listener is up and the server takes calls). Scraping runs on the control-plane pool, since
 * rendering a large registry is not event-loop work. {@code /faults} switches injected faults at run time
 * ({@link FaultRoutes}), {@code /mirrors} runs the Kafka bridge ({@link MirrorRoutes}), {@code /triggers} the
 * triggers ({@link TriggerRoutes}) and {@code /console} the web console ({@link ConsoleRoutes}).
 *
 * <p>With a token ({@link ManagementSettings}), every route but the probes requires it ({@link
 * BearerTokenCheck}), and the probes too with {@code management.probes.auth}; paths not listed here are
 * covered as well, so a route added later is closed by default. Every body is read to at most
 * {@code management.body.bytes}: a larger declared Content-Length gets 413 before a byte of it is read, a
 * chunked body as soon as it exceeds the bound.
 */
public final class ManagementVerticle extends VerticleBase {
  private static final Set<String> PROBES = Set.of("/health", "/ready", "/metrics");

  private final Services services;
  private HttpServer server;

  public ManagementVerticle(Services services) {
    this.services = services;
  }

  @Override
  public Future<?> start() {
    return vertx.executeBlocking(() -> ManagementSettings.load(services.settings())).compose(this::listen);
  }

  private Future<HttpServer> listen(ManagementSettings management) {
    Router router = Router.router(vertx);
    if (management.token() != null) {
      router.route().handler(new BearerTokenCheck(management.token(), management.probesAuth() ? Set.of() : PROBES));
    }
    router.route().handler(BodyHandler.create(false).setBodyLimit(management.bodyBytes()));
    router.errorHandler(413, ctx -> ManagementRefusal.refuse(ctx, 413,
        "the body is larger than management.body.bytes (" + management.bodyBytes() + " bytes)"));
    router.get("/metrics").handler(ctx -> services.pools().control().executeBlocking(() -> services.meters().scrape(), false)
        .onSuccess(text -> ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(text))
        .onFailure(ctx::fail));
    router.get("/health").handler(ctx -> {
      String failure = services.health().failure();
      ctx.response().setStatusCode(failure == null ? 200 : 503);
      ctx.json(failure == null ? new JsonObject().put("status", "UP") : new JsonObject().put("status", "DOWN").put("reason", failure));
    });
    router.get("/ready").handler(ctx -> {
      boolean ready = services.ready().get() && services.health().failure() == null;
      ctx.response().setStatusCode(ready ? 200 : 503);
      ctx.json(new JsonObject().put("status", ready ? "READY" : "STARTING"));
    });
    new FaultRoutes(services.faults()).mount(router);
    MirrorRoutes.mount(vertx, router);
    TriggerRoutes.mount(vertx, router);
    ClusterRoutes.mount(services.cluster(), services.registry(), services.clusterShards(), router);
    ConsoleRoutes.mount(services, router, management.token() != null);
    HttpServerOptions options = new HttpServerOptions()
        .setHost(management.host())
        .setPort(services.settings().integer("management.port"));
    server = vertx.createHttpServer(options).requestHandler(router);
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
