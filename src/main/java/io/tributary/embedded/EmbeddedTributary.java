package io.tributary.embedded;

import io.tributary.TributaryServer;
import io.tributary.config.Settings;
import io.tributary.config.SettingsLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A Tributary server started from code, for tests: on 127.0.0.1, on free ports, in memory (or on a folder),
 * with streams and consumers ACTIVE at once and no TLS listener unless settings say otherwise.
 *
 * <pre>{@code
 * try (EmbeddedTributary kinesis = EmbeddedTributary.builder().setting("limits.enforce", "true").start()) {
 *   KinesisClient client = KinesisClient.builder().endpointOverride(kinesis.endpoint()) ... .build();
 * }
 * }</pre>
 *
 * Settings are those of {@code conf/tributary.properties} (every key, as the server reads it); the built-in
 * defaults apply to the rest, never a file or the environment of the process.
 */
public final class EmbeddedTributary implements AutoCloseable {
  /** Tries to bind a free port that another process took between the look-up and the bind. */
  private static final int START_ATTEMPTS = 3;

  private final TributaryServer server;
  private final Path temporaryDirectory;

  private EmbeddedTributary(TributaryServer server, Path temporaryDirectory) {
    this.server = server;
    this.temporaryDirectory = temporaryDirectory;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A server in memory with the defaults of {@link Builder}. */
  public static EmbeddedTributary start() {
    return builder().start();
  }

  /** The Kinesis API, plain HTTP/1.1 and h2c: what an SDK client's endpoint override takes. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.settings().integer("port"));
  }

  /** The Kinesis API over TLS (self-signed certificate), when {@code tls.enabled} is true. */
  public URI tlsEndpoint() {
    if (!server.settings().bool("tls.enabled")) throw new IllegalStateException("tls.enabled is false");
    return URI.create("https://127.0.0.1:" + server.settings().integer("tls.port"));
  }

  /** The management port: {@code /metrics}, {@code /health}, {@code /ready}. */
  public URI managementEndpoint() {
    return URI.create("http://127.0.0.1:" + server.settings().integer("management.port"));
  }

  /** The region streams are made in unless a request's credential scope names another. */
  public String region() {
    return server.settings().string("region");
  }

  /** The account of every access key that {@code accounts} does not map elsewhere. */
  public String account() {
    return server.settings().string("account");
  }

  /** The running server, for what this class does not wrap (its settings, registry, meters). */
  public TributaryServer server() {
    return server;
  }

  /** Stops the server and deletes the temporary folder it was given, if any. Waits until both are done. */
  public void stop() {
    try {
      server.close().await();
    } finally {
      if (temporaryDirectory != null) deleteTree(temporaryDirectory);
    }
  }

  @Override
  public void close() {
    stop();
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }

  /** How to start an embedded server; each setter returns the builder. */
  public static final class Builder {
    private final Map<String, String> settings = new LinkedHashMap<>();
    private Clock clock = Clock.systemUTC();
    private boolean temporaryDirectory;

    private Builder() {
      settings.put("storage", "memory");
    }

    /** Streams, records and consumers in memory, gone when the server stops (the default). */
    public Builder inMemory() {
      settings.put("storage", "memory");
      settings.remove("data.dir");
      temporaryDirectory = false;
      return this;
    }

    /** Durable storage in the folder (made if missing; kept after stop), as a restart test needs. */
    public Builder dataDirectory(Path directory) {
      settings.put("storage", "file");
      settings.put("data.dir", directory.toString());
      temporaryDirectory = false;
      return this;
    }

    /** Durable storage in a new temporary folder, deleted when the server stops. */
    public Builder temporaryDirectory() {
      settings.put("storage", "file");
      settings.remove("data.dir");
      temporaryDirectory = true;
      return this;
    }

    /** One setting, by its key in {@code conf/tributary.properties}; it wins over the embedded defaults. */
    public Builder setting(String key, String value) {
      settings.put(key, value);
      return this;
    }

    public Builder settings(Map<String, String> values) {
      settings.putAll(values);
      return this;
    }

    /** The clock the server reads (arrival times, iterator ages, quotas); a test may move it. */
    public Builder clock(Clock value) {
      clock = value;
      return this;
    }

    /** Starts the server and waits until it takes calls. */
    public EmbeddedTributary start() {
      // The TLS listener keeps its self-signed certificate under data.dir, which in memory is otherwise unused.
      boolean tlsWithoutFolder = "true".equals(settings.get("tls.enabled")) && !settings.containsKey("data.dir");
      Path directory = temporaryDirectory || tlsWithoutFolder ? createTemporaryDirectory() : null;
      RuntimeException failure = null;
      for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
        try {
          return new EmbeddedTributary(TributaryServer.start(settingsFor(directory), clock).await(), directory);
        } catch (RuntimeException e) {
          failure = e;
          if (!portTaken(e) || explicitPorts()) break;
        }
      }
      if (directory != null) deleteTree(directory);
      throw failure;
    }

    private Settings settingsFor(Path directory) {
      Map<String, String> merged = new HashMap<>();
      merged.put("host", "127.0.0.1");
      merged.put("management.host", "127.0.0.1");
      merged.put("port", String.valueOf(freePort()));
      merged.put("tls.port", String.valueOf(freePort()));
      merged.put("management.port", String.valueOf(freePort()));
      merged.put("tls.enabled", "false");
      merged.put("stream.create.delay.ms", "0");
      merged.put("stream.delete.delay.ms", "0");
      merged.put("stream.update.delay.ms", "0");
      merged.put("consumer.create.delay.ms", "0");
      merged.put("consumer.delete.delay.ms", "0");
      // A test machine is often busy: shedding calls for a slow event loop would fail tests, not protect them.
      merged.put("limits.overload.lag.ms", "0");
      if (directory != null) merged.put("data.dir", directory.toString());
      merged.putAll(settings);
      return SettingsLoader.defaults().with(merged);
    }

    private boolean explicitPorts() {
      return settings.containsKey("port") && settings.containsKey("tls.port") && settings.containsKey("management.port");
    }

    private static boolean portTaken(Throwable failure) {
      for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
        if (cause instanceof java.net.BindException) return true;
        if (cause.getMessage() != null && cause.getMessage().contains("Address already in use")) return true;
      }
      return false;
    }

    private static Path createTemporaryDirectory() {
      try {
        return Files.createTempDirectory("tributary-embedded");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static int freePort() {
      try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        return socket.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
