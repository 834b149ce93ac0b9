package io.tributary.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * The real server as a separate JVM, started as a user would start it, so a test can kill it with SIGKILL
 * and start it again on the same data directory.
 */
public final class ChildServer implements AutoCloseable {
  private final Process process;
  private final int port;
  private final int managementPort;
  /** How many times a server that could not bind a port it was given is started again on other ports. */
  private static final int START_ATTEMPTS = 3;
  private final Path log;

  /**
   * A test server's JVM: a small heap, and the client compiler only, since a test's server lives for seconds
   * to minutes and starts several at once on a small machine, where the server compiler's threads would
   * compete with every starting node for the cores.
   */
  private static final List<String> JVM_OPTIONS =
      List.of("-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  private ChildServer(Process process, int port, int managementPort, Path log) {
    this.process = process;
    this.port = port;
    this.managementPort = managementPort;
    this.log = log;
  }

  /** Starts a server on free ports with data in the directory and waits until it is ready. */
  public static ChildServer start(Path dataDir, Map<String, String> environment) {
    return start(dataDir, environment, JVM_OPTIONS, System.getProperty("java.class.path"));
  }

  /** As {@link #start(Path, Map)}, with the given JVM options (the heap size among them) and class path. */
  public static ChildServer start(Path dataDir, Map<String, String> environment, List<String> jvmOptions,
      String classPath) {
    for (int attempt = 1; ; attempt++) {
      long logged = sizeOf(logOf(dataDir));
      ChildServer server = launch(dataDir, environment, jvmOptions, classPath);
      try {
        server.awaitReady(Duration.ofSeconds(60));
        return server;
      } catch (IllegalStateException failed) {
        // A port found free may be taken before the server binds it (by another process's outgoing
        // connection, whose port comes from the same range): the server stops at once, and starts on others.
        if (attempt == START_ATTEMPTS || !server.loggedSince(logged, "Address already in use")) throw failed;
      }
    }
  }

  private boolean loggedSince(long offset, String text) {
    try {
      byte[] all = Files.readAllBytes(log);
      return new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset),
          StandardCharsets.UTF_8).contains(text);
    } catch (IOException e) {
      return false;
    }
  }

  private static long sizeOf(Path file) {
    try {
      return Files.exists(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  private static Path logOf(Path dataDir) {
    return dataDir.resolveSibling(dataDir.getFileName() + "-server.log");
  }

  /** Starts a server as {@link #start(Path, Map)} does, without waiting for it to be ready. */
  public static ChildServer launch(Path dataDir, Map<String, String> environment) {
    return launch(dataDir, environment, JVM_OPTIONS, System.getProperty("java.class.path"));
  }

  private static ChildServer launch(Path dataDir, Map<String, String> environment, List<String> jvmOptions,
      String classPath) {
    TestCertificate.seed(dataDir);
    int port = TestServer.freePort();
    int managementPort = TestServer.freePort();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-XX:+ExitOnOutOfMemoryError", "-cp", classPath, "io.tributary.Tributary",
        "--port", String.valueOf(port), "--management-port", String.valueOf(managementPort),
        "--tls-port", String.valueOf(TestServer.freePort()), "--data-dir", dataDir.toString()));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("TRIBUTARY_HOST", "127.0.0.1");
    builder.environment().put("TRIBUTARY_STREAM_CREATE_DELAY_MS", "0");
    builder.environment().put("TRIBUTARY_STREAM_DELETE_DELAY_MS", "0");
    builder.environment().put("TRIBUTARY_LIMITS_OVERLOAD_LAG_MS", "0");
    builder.environment().putAll(environment);
    Path log = logOf(dataDir);
    builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    try {
      return new ChildServer(builder.start(), port, managementPort, log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public int port() {
    return port;
  }

  public int managementPort() {
    return managementPort;
  }

  /** Sends the process a signal by name ({@code STOP}, {@code CONT}), as a pause or a resumption would. */
  public void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).start();
    if (kill.waitFor() != 0) throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
  }

  /** The process's exit status once it has exited within the timeout; empty while it still runs. */
  public OptionalInt awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
        ? OptionalInt.of(process.exitValue())
        : OptionalInt.empty();
  }

  public Path log() {
    return log;
  }

  /** Ends the process at once, as a crash or power loss would: no shutdown hooks, no flushing. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  public void awaitReady(Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    URI ready = URI.create("http://127.0.0.1:" + managementPort + "/ready");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) throw new IllegalStateException("server exited; the end of " + log + ":\n" + tail(log));
      try {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(ready).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) return;
      } catch (IOException notYet) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    process.destroyForcibly();
    throw new IllegalStateException("server not ready within " + timeout + "; see " + log);
  }

  /** The last lines of a server's log, for a failure message that outlives the test's directory. */
  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      // Why it stopped, which the lines of its shutdown that follow would otherwise hide.
      // Ratis's client logs every retry of a write made during an election at ERROR: those are not why.
      List<String> errors = lines.stream()
          .filter(line -> line.contains(" ERROR ") && !line.contains("OrderedAsync") || line.contains("failed to start"))
          .limit(10).toList();
      return String.join("\n", errors) + "\n...\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
