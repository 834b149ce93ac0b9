package io.tributary.support;

import io.tributary.TributaryServer;
import io.tributary.config.Settings;
import io.tributary.config.SettingsLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.kinesis.model.MinimumThroughputBillingCommitmentInputStatus;

/**
 * A real server in the test JVM, on free loopback ports, with durable storage in a fresh temporary
 * directory (unless a test names one) and streams ACTIVE at once; its TLS port uses a certificate made
 * once per JVM ({@link TestCertificate}). One shared server
 * serves the whole suite (tests name their streams uniquely); {@link #start} makes a private one.
 */
public final class TestServer implements AutoCloseable {
  private static TestServer shared;
  private static TestServer creating;

  private final TributaryServer server;

  private TestServer(TributaryServer server) {
    this.server = server;
  }

  public static synchronized TestServer shared() {
    if (shared == null) {
      shared = start(Map.of());
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
    }
    return shared;
  }

  /**
   * One server for the suite whose new streams stay CREATING for an hour, for what AWS refuses on a stream
   * that is not ACTIVE.
   */
  public static synchronized TestServer sharedCreating() {
    if (creating == null) {
      creating = start(Map.of("stream.create.delay.ms", "3600000"));
      Runtime.getRuntime().addShutdownHook(new Thread(creating::close));
    }
    return creating;
  }

  /**
   * A private server whose account has a minimum throughput billing commitment (which warm throughput needs)
   * and whose stream updates take 400 ms, so that UPDATING can be seen.
   */
  public static TestServer startCommitted() {
    TestServer committed = start(Map.of("stream.update.delay.ms", "400"));
    KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, committed.endpoint()).updateAccountSettings(b -> b
        .minimumThroughputBillingCommitment(c -> c.status(MinimumThroughputBillingCommitmentInputStatus.ENABLED)));
    return committed;
  }

  public static TestServer start(Map<String, String> overrides) {
    return start(overrides, java.time.Clock.systemUTC());
  }

  public static TestServer start(Map<String, String> overrides, java.time.Clock clock) {
    for (int attempt = 1; ; attempt++) {
      try {
        return startOnce(overrides, clock);
      } catch (RuntimeException failed) {
        // A port found free may be taken before the server binds it (by another process's outgoing connection,
        // whose port comes from the same range): the server stops at once, and starts again on others.
        if (attempt == START_ATTEMPTS || !String.valueOf(failed.getMessage()).contains("Address already in use")) {
          throw failed;
        }
      }
    }
  }

  private static final int START_ATTEMPTS = 3;

  private static TestServer startOnce(Map<String, String> overrides, java.time.Clock clock) {
    Map<String, String> settings = new HashMap<>();
    settings.put("host", "127.0.0.1");
    settings.put("port", String.valueOf(freePort()));
    settings.put("tls.port", String.valueOf(freePort()));
    settings.put("management.port", String.valueOf(freePort()));
    settings.put("stream.create.delay.ms", "0");
    settings.put("stream.delete.delay.ms", "0");
    settings.put("stream.update.delay.ms", "0");
    settings.put("consumer.create.delay.ms", "0");
    settings.put("consumer.delete.delay.ms", "0");
    // Tests run many servers on a shared machine; shedding load there would make their own calls flaky.
    // OverloadTest turns it on.
    settings.put("limits.overload.lag.ms", "0");
    java.nio.file.Path dataDir = temporaryDirectory();
    settings.put("data.dir", dataDir.toString());
    // A fresh directory gets the JVM's test certificate; a directory a test names makes (or keeps) its own.
    if (!overrides.containsKey("data.dir")) TestCertificate.seed(dataDir);
    settings.putAll(overrides);
    Settings merged = SettingsLoader.defaults().with(settings);
    return new TestServer(TributaryServer.start(merged, clock).await());
  }

  public TributaryServer server() { return server; }

  public int port() { return server.settings().integer("port"); }

  public int managementPort() { return server.settings().integer("management.port"); }

  public URI endpoint() { return URI.create("http://127.0.0.1:" + port()); }

  public int tlsPort() { return server.settings().integer("tls.port"); }

  /** The TLS port; {@link KinesisClients} trusts any certificate on https endpoints. */
  public URI tlsEndpoint() { return URI.create("https://127.0.0.1:" + tlsPort()); }

  @Override
  public void close() {
    server.close().await();
  }

  private static java.nio.file.Path temporaryDirectory() {
    try {
      java.nio.file.Path directory = java.nio.file.Files.createTempDirectory("tributary-test");
      directory.toFile().deleteOnExit();
      return directory;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
