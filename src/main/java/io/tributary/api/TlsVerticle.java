package io.tributary.api;

import io.tributary.Services;
import io.tributary.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Serves the Kinesis API over TLS on {@code tls.port}: HTTP/1.1 and h2 on one port, whether the client
 * negotiates the protocol with ALPN (h2 or http/1.1 offered; curl, Go, JS v3, java.net.http) or offers no
 * ALPN at all and starts HTTP/2 right after the handshake (the Java SDK v2 async client and so KCL, whose
 * Kinesis default is "assume protocol" on https).
 *
 * <p>A Vert.x {@code HttpServer} with {@code ssl=true} cannot serve that last case: with no ALPN protocol
 * negotiated it always sets up HTTP/1.x and answers the preface with 501. So TLS ends here, in a
 * {@link NetServer}, and each decrypted connection is relayed byte for byte to a back-end
 * {@link HttpServer} on a loopback port, configured as the plain port is (no TLS, h2c enabled), which
 * tells HTTP/2 from HTTP/1.1 by the preface {@code PRI * HTTP/2.0}, exactly as on the plain port. Only
 * public API is used.
 *
 * <p>What the request handler sees for a TLS request: {@code isSSL()} false, {@code remoteAddress()} the
 * relay's loopback address rather than the client's, {@code version()} the HTTP version the client
 * speaks, and the client's own {@code Host} / {@code :authority}. Nothing in the API depends on the first
 * two.
 *
 * <p>One instance runs per event loop (see {@code verticles/tls.json}); the instances share the TLS port,
 * and each relays to its own back end.
 */
public final class TlsVerticle extends VerticleBase {
  private static final String LOOPBACK = ApiListeners.LOOPBACK;

  private final Services services;
  private HttpServer backEnd;
  private NetClient relayClient;
  private NetServer front;

  public TlsVerticle(Services services) {
    this.services = services;
  }

  @Override
  public Future<?> start() {
    Settings settings = services.settings();
    relayClient = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true));
    return vertx.executeBlocking(() -> Authentication.load(settings, services.clock()))
        .compose(authentication -> {
          backEnd = ApiVerticle.createServer(vertx, ApiVerticle.cleartextOptions(settings).setHost(LOOPBACK).setPort(0),
              new KinesisHttpHandler(services, authentication), services);
          return vertx.executeBlocking(() -> ServerCertificate.keyCertOptions(settings));
        })
        .compose(keyCert -> backEnd.listen().map(keyCert))
        .compose(keyCert -> {
          NetServerOptions options = new NetServerOptions()
              .setHost(settings.string("host"))
              .setPort(settings.integer("tls.port"))
              .setTcpNoDelay(true)
              .setSsl(true)
              .setSslHandshakeTimeout(settings.longValue("limits.tls.handshake.timeout.ms"))
              .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS)
              .setUseAlpn(true)
              .setKeyCertOptions(keyCert);
          // Offered to clients that send ALPN; clients that send none get no protocol and are served too.
          options.getSslOptions().setApplicationLayerProtocols(List.of("h2", "http/1.1"));
          front = vertx.createNetServer(options).connectHandler(this::relay);
          return front.listen();
        });
  }

  /** Relays one decrypted connection to the back end, both ways, until either side closes. */
  private void relay(NetSocket client) {
    client.pause();
    // Everything below runs on this connection's event loop, so the fields need no synchronization.
    var state = new Object() {
      boolean clientClosed;
      NetSocket server;
    };
    client.closeHandler(v -> {
      state.clientClosed = true;
      if (state.server != null) state.server.close();
    });
    relayClient.connect(backEnd.actualPort(), LOOPBACK).onComplete(connected -> {
      if (connected.failed()) {
        client.close();
        return;
      }
      NetSocket server = connected.result();
      if (state.clientClosed) {
        server.close();
        return;
      }
      state.server = server;
      server.closeHandler(v -> client.close());
      server.pipeTo(client);
      client.pipeTo(server);
    });
  }

  @Override
  public Future<?> stop() {
    Future<Void> frontClosed = front == null ? Future.succeededFuture() : front.close();
    return frontClosed
        .eventually(() -> relayClient == null ? Future.succeededFuture() : relayClient.close())
        .eventually(() -> backEnd == null ? Future.succeededFuture() : backEnd.close());
  }
}
