package io.tributary.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.bench.NemesisRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short form of loadtest/nemesis.sh: three nodes with replication.factor=3 under puts through every node for
 * 40 s, one node at a time paused and resumed or killed and restarted, in turns. Every
 * acknowledged record is then read once, in order, and alike through every node. Puts give up after 10 s: a put
 * through a survivor that was under way at a fault may get no answer for 30 s, and a producer makes one at a time.
 */
@Timeout(300)
class ReplicationNemesisTest {
  @TempDir
  Path directory;

  @Test
  void killsAndPausesLoseNothingAcknowledged() throws Exception {
    NemesisRun.Outcome outcome = NemesisRun.run(new NemesisRun.Settings(directory, Duration.ofSeconds(40),
        Duration.ofSeconds(1), Duration.ofSeconds(5), 4000, 6, 1, 5, Duration.ofSeconds(10), true, 20261202L));
    String summary = outcome.summary();
    if (!outcome.passed()) keepLogs();
    assertTrue(outcome.mended(), "every node came back: " + summary);
    assertEquals(0, outcome.lost(), "lost: " + outcome.examples());
    assertEquals(0, outcome.duplicated(), "duplicated: " + outcome.examples());
    assertEquals(0, outcome.orderViolations(), "out of order: " + outcome.examples());
    assertEquals(0, outcome.disagreements(), "nodes disagree: " + outcome.examples());
    assertTrue(outcome.acknowledged() > 200, "records acknowledged: " + summary);
    assertTrue(outcome.kills() >= 1 && outcome.pauses() >= 1, "a kill and a pause: " + summary);
  }

  /** The nodes' logs outlive the temp directory, in target/nemesis-test-logs. */
  private void keepLogs() throws IOException {
    Path kept = Files.createDirectories(Path.of("target", "nemesis-test-logs"));
    try (Stream<Path> files = Files.list(directory)) {
      for (Path log : files.filter(file -> file.getFileName().toString().endsWith("-server.log")).toList()) {
        Files.copy(log, kept.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }
}
