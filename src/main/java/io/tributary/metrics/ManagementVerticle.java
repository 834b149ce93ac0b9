package io.tributary.metrics;

import io.tributary.Services;
import io.tributary.bridge.MirrorRoutes;
import io.tributary.faults.FaultRoutes;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/**
 * The management port: {@code /metrics} in Prometheus text format, {@code /health} (503 once the server
 * cannot serve: a fatal error or a stalled event loop, see {@link io.tributary.ServerHealth})
 * and {@code /ready} (every listener is up and the server takes calls). Scraping runs on a worker, since
 * rendering a large registry is not event-loop work. {@code /faults} switches injected faults at run time
 * ({@link FaultRoutes}).
 */
public final class ManagementVerticle extends VerticleBase {
  private final Services services;
  private HttpServer server;

  public ManagementVerticle(Services services) {
    this.services = services;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/metrics").handler(ctx -> vertx.executeBlocking(() -> services.meters().scrape(), false)
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
    HttpServerOptions options = new HttpServerOptions()
        .setHost(services.settings().string("host"))
        .setPort(services.settings().integer("management.port"));
    server = vertx.createHttpServer(options).requestHandler(router);
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
