package io.tributary.api;

import io.tributary.ServerHealth;
import io.tributary.Services;
import io.tributary.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the Kinesis API on the plain-text port: HTTP/1.1 and HTTP/2 with prior knowledge on the same
 * port (Vert.x tells them apart by the HTTP/2 preface). One instance runs per event loop, all sharing
 * the port.
 */
public final class ApiVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ApiVerticle.class);
  private final Services services;
  private HttpServer server;

  public ApiVerticle(Services services) {
    this.services = services;
  }

  @Override
  public Future<?> start() {
    Settings settings = services.settings();
    return vertx.executeBlocking(() -> Authentication.load(settings, services.clock()))
        .compose(authentication -> {
          HttpServerOptions options = cleartextOptions(settings)
              .setHost(settings.string("host"))
              .setPort(settings.integer("port"));
          server = createServer(vertx, options, new KinesisHttpHandler(services, authentication), services);
          return server.listen();
        });
  }

  /**
   * HTTP/1.1 and h2c with prior knowledge on one port, as the plain port and the TLS relay's back end
   * serve, with the header size limit ({@code limits.header.bytes}: HTTP/1.1 header block, HTTP/2 header
   * list) and the idle timeout ({@code limits.idle.timeout.ms}).
   */
  static HttpServerOptions cleartextOptions(Settings settings) {
    int headerBytes = settings.integer("limits.header.bytes");
    HttpServerOptions options = new HttpServerOptions()
        .setHttp2ClearTextEnabled(true)
        .setCompressionSupported(false)
        .setTcpNoDelay(true)
        .setMaxHeaderSize(headerBytes)
        .setIdleTimeout((int) settings.longValue("limits.idle.timeout.ms"))
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    options.getInitialSettings().setMaxHeaderListSize(headerBytes);
    return options;
  }

  /**
   * An API server, its requests served by the handler. Its connections are counted, limited and given a
   * header deadline at accept, by the transport ({@link ApiListeners}).
   */
  static HttpServer createServer(Vertx vertx, HttpServerOptions options, KinesisHttpHandler handler, Services services) {
    ServerHealth health = services.health();
    return vertx.createHttpServer(options)
        // Failures of a connection before Vert.x knows its protocol (a client gone while the h2c preface is
        // checked): the client's business, so not logged as the server's errors; an Error is the server's.
        .exceptionHandler(failure -> {
          if (failure instanceof VirtualMachineError) {
            health.uncaught(failure);
          } else {
            LOG.debug("API connection failed before its first request: {}", failure.toString());
          }
        })
        .requestHandler(request -> {
          HeaderDeadline.requestStarted(request);
          handler.handle(request);
        });
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
