package io.tributary.api;

import io.tributary.Services;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

/**
 * Serves the Kinesis API on the plain-text port: HTTP/1.1 and HTTP/2 with prior knowledge on the same
 * port (Vert.x tells them apart by the HTTP/2 preface). One instance runs per event loop, all sharing
 * the port.
 */
public final class ApiVerticle extends VerticleBase {
  private final Services services;
  private HttpServer server;

  public ApiVerticle(Services services) {
    this.services = services;
  }

  @Override
  public Future<?> start() {
    KinesisHttpHandler handler = new KinesisHttpHandler(services);
    HttpServerOptions options = cleartextOptions()
        .setHost(services.settings().string("host"))
        .setPort(services.settings().integer("port"));
    server = vertx.createHttpServer(options).requestHandler(handler::handle);
    return server.listen();
  }

  /** HTTP/1.1 and h2c with prior knowledge on one port, as the plain port and the TLS relay's back end serve. */
  static HttpServerOptions cleartextOptions() {
    return new HttpServerOptions()
        .setHttp2ClearTextEnabled(true)
        .setCompressionSupported(false)
        .setTcpNoDelay(true);
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
