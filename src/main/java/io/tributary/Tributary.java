package io.tributary;

import io.tributary.config.Settings;
import io.tributary.config.SettingsLoader;
import io.vertx.core.Future;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The command line: {@code java -jar tributary.jar [--port N] [--tls-port N] [--management-port N] ...}. */
public final class Tributary {
  private static final Logger LOG = LoggerFactory.getLogger(Tributary.class);

  /** Exit status of a server that turned unhealthy (a fatal error, a stalled event loop). */
  static final int UNHEALTHY_EXIT_STATUS = 70;
  /** How long an orderly shutdown may take before the process stops without it. */
  private static final long SHUTDOWN_MILLIS = 20_000;
  private static final AtomicBoolean EXITING = new AtomicBoolean();

  private Tributary() { }

  /**
   * Ends a process that can no longer serve, so that a supervisor restarts it rather than leave it
   * half-alive. Runs the shutdown on a thread of its own (the caller may be an event loop the shutdown
   * needs) and halts if that does not finish in time.
   */
  private static void exitUnhealthy(String reason) {
    if (!EXITING.compareAndSet(false, true)) return;
    LOG.error("Tributary exits with status {}: {}", UNHEALTHY_EXIT_STATUS, reason);
    Thread exit = new Thread(() -> System.exit(UNHEALTHY_EXIT_STATUS), "tributary-exit");
    Thread halt = new Thread(() -> {
      try {
        Thread.sleep(SHUTDOWN_MILLIS + 5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Runtime.getRuntime().halt(UNHEALTHY_EXIT_STATUS);
    }, "tributary-halt");
    halt.setDaemon(true);
    halt.start();
    exit.start();
  }

  private static void closeWithin(TributaryServer server, long millis) {
    try {
      server.close().await(millis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.error("shutdown did not finish within {} ms; stopping without it", millis);
    }
  }

  public static void main(String[] args) {
    List<String> arguments = Arrays.asList(args);
    if (arguments.contains("--help") || arguments.contains("-h")) {
      System.out.println(help());
      return;
    }
    Settings settings;
    try {
      settings = SettingsLoader.load(arguments, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("tributary: " + e.getMessage());
      System.exit(2);
      return;
    }
    Future<TributaryServer> starting;
    try {
      starting = TributaryServer.start(settings);
    } catch (IllegalArgumentException e) {
      LOG.error("Tributary failed to start: {}", e.getMessage());
      System.exit(1);
      return;
    }
    starting
        .onSuccess(server -> {
          String host = settings.string("host");
          String tls = settings.bool("tls.enabled")
              ? " and https://" + host + ":" + settings.string("tls.port") + " (HTTP/1.1 and h2)"
              : "";
          LOG.info("Tributary ready: Kinesis API on http://{}:{} (HTTP/1.1 and h2c){}, management on http://{}:{}, data in {}",
              host, settings.string("port"), tls, settings.string("management.host"), settings.string("management.port"),
              settings.string("data.dir"));
          Runtime.getRuntime().addShutdownHook(new Thread(() -> closeWithin(server, SHUTDOWN_MILLIS), "tributary-shutdown"));
          server.services().health().onFailure(Tributary::exitUnhealthy);
        })
        .onFailure(failure -> {
          if (TributaryServer.operatorError(failure)) {
            LOG.error("Tributary failed to start: {}", failure.getMessage());
          } else {
            LOG.error("Tributary failed to start: {}", failure.getMessage(), failure);
          }
          System.exit(1);
        });
  }

  static String help() {
    StringBuilder text = new StringBuilder();
    text.append("Usage: java -jar tributary.jar [options]\n\n")
        .append("A server for the Amazon Kinesis Data Streams API.\n\nOptions:\n")
        .append("  --port N              Kinesis API port, HTTP/1.1 and h2c (env TRIBUTARY_PORT)\n")
        .append("  --tls-port N          Kinesis API port over TLS, HTTP/1.1 and h2 (env TRIBUTARY_TLS_PORT)\n")
        .append("  --management-port N   /metrics, /health, /ready (env TRIBUTARY_MANAGEMENT_PORT)\n")
        .append("  --data-dir DIR        where data is kept (env TRIBUTARY_DATA_DIR)\n")
        .append("  --config FILE         properties file (env TRIBUTARY_CONFIG; default ./conf/tributary.properties)\n")
        .append("  --help                this text\n\n")
        .append("Precedence: flags, then environment, then the file, then built-in defaults.\n")
        .append("Every key below can be set as TRIBUTARY_<KEY> (upper case, dots as underscores).\n\n")
        .append("Settings and their built-in defaults:\n");
    for (Map.Entry<String, String> entry : SettingsLoader.defaults().asMap().entrySet()) {
      text.append(String.format("  %-28s %s%n", entry.getKey(), entry.getValue()));
    }
    return text.toString();
  }
}
