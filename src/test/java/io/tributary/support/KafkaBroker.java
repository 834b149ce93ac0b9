package io.tributary.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real Kafka broker (KRaft, broker and controller in one node) as a child JVM on loopback, formatted
 * with Kafka's storage tool and started with {@code kafka.Kafka}, as an operator would run it. A separate
 * process, so a test can stop it (SIGTERM) or kill it (SIGKILL) and start it again on the same port and
 * log directory. Replication factors are 1, so consumer groups and transactions work on one node.
 */
public final class KafkaBroker implements AutoCloseable {
  private final Path directory;
  private final Path properties;
  private final int port;
  private Process process;

  private KafkaBroker(Path directory, int port) {
    this.directory = directory;
    this.properties = directory.resolve("server.properties");
    this.port = port;
  }

  /** Formats a fresh log directory and starts the broker; returns once it answers. */
  public static KafkaBroker start() {
    try {
      Path directory = Files.createTempDirectory("tributary-kafka");
      KafkaBroker broker = new KafkaBroker(directory, TestServer.freePort());
      broker.writeProperties(TestServer.freePort());
      broker.run(List.of("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(), "-c",
          broker.properties.toString(), "--standalone"), true);
      broker.restart();
      return broker;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void writeProperties(int controllerPort) throws IOException {
    Properties config = new Properties();
    config.putAll(Map.ofEntries(
        Map.entry("process.roles", "broker,controller"),
        Map.entry("node.id", "1"),
        Map.entry("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort),
        Map.entry("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort),
        Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port),
        Map.entry("controller.listener.names", "CONTROLLER"),
        Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
        Map.entry("inter.broker.listener.name", "PLAINTEXT"),
        Map.entry("log.dirs", directory.resolve("logs").toString()),
        Map.entry("offsets.topic.replication.factor", "1"),
        Map.entry("offsets.topic.num.partitions", "1"),
        Map.entry("transaction.state.log.replication.factor", "1"),
        Map.entry("transaction.state.log.min.isr", "1"),
        Map.entry("transaction.state.log.num.partitions", "1"),
        Map.entry("group.initial.rebalance.delay.ms", "0"),
        Map.entry("auto.create.topics.enable", "false")));
    try (var out = Files.newOutputStream(properties)) {
      config.store(out, "test broker");
    }
  }

  public String bootstrapServers() { return "127.0.0.1:" + port; }

  /** Starts the broker process (again) and waits until it answers on its port. */
  public void restart() {
    process = run(List.of("kafka.Kafka", properties.toString()), false);
    awaitReady(Duration.ofSeconds(60));
  }

  /** Stops the broker as an operator would (SIGTERM) and waits for it to exit. */
  public void stop() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
  }

  private Process run(List<String> arguments, boolean wait) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // The client compiler only, as for the test servers (ChildServer): a broker lives for a test class.
    command.addAll(List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path")));
    command.addAll(arguments);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("broker.log").toFile()));
    try {
      Process started = builder.start();
      if (wait && started.waitFor() != 0) {
        throw new IllegalStateException(arguments.get(0) + " failed; see " + directory.resolve("broker.log"));
      }
      return started;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) throw new IllegalStateException("broker exited; see " + directory.resolve("broker.log"));
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        try (Admin admin = admin()) {
          admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
          return;
        }
      } catch (Exception notYet) {
        sleep();
      }
    }
    throw new IllegalStateException("broker not ready within " + timeout + "; see " + directory.resolve("broker.log"));
  }

  private static void sleep() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
