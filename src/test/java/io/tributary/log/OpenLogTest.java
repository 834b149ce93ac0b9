package io.tributary.log;

import static io.tributary.log.LogFixtures.await;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the tests of a {@link FileShardLog} share: one Vert.x per class, a fresh directory and a test clock
 * per test, and the log under test, closed after each test.
 */
abstract class OpenLogTest {
  static final long T0 = 1_700_000_000_000L;
  static Vertx vertx;

  @TempDir
  Path dir;
  final TestClock clock = new TestClock(T0);
  FileShardLog log;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    await(vertx.close());
  }

  @AfterEach
  void closeLog() {
    if (log != null) await(log.close());
  }

  /** Opens the log in the test's directory with the settings, through the channel opener. */
  FileShardLog open(LogConfig config, ChannelOpener opener) {
    log = await(FileShardLog.open(vertx, dir, config, clock, opener));
    return log;
  }

  FileShardLog open(LogConfig config) {
    return open(config, ChannelOpener.FILES);
  }
}
