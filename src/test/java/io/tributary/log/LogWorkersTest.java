package io.tributary.log;

import static io.tributary.log.LogFixtures.SMALL;
import static io.tributary.log.LogFixtures.await;
import static io.tributary.log.LogFixtures.entries;
import static io.tributary.log.LogFixtures.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.WorkerExecutor;
import java.nio.channels.FileChannel;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LogWorkersTest extends OpenLogTest {
  /** Threads that opened segment files: recovery and rolls, the writer's work. */
  private final List<String> openers = new CopyOnWriteArrayList<>();
  /** Threads that asked the clock: reads and time lookups (and the writer's recovery and retention). */
  private final List<String> clockReaders = new CopyOnWriteArrayList<>();
  private WorkerExecutor writes;
  private WorkerExecutor reads;

  @BeforeEach
  void createPools() {
    writes = vertx.createSharedWorkerExecutor("log-test-write", 1);
    reads = vertx.createSharedWorkerExecutor("log-test-read", 2);
  }

  @AfterEach
  void closePools() {
    if (log != null) await(log.close());
    log = null;
    await(writes.close());
    await(reads.close());
  }

  @Test
  void writesRunOnTheWritePoolAndReadsOnTheReadPool() {
    ChannelOpener recordingOpener = (path, options) -> {
      openers.add(Thread.currentThread().getName());
      return FileChannel.open(path, options);
    };
    log = await(FileShardLog.open(vertx, dir, SMALL.withWorkers(new LogWorkers(writes, reads)), new RecordingClock(),
        recordingOpener));
    assertFalse(openers.isEmpty());
    for (int i = 0; i < 100; i++) await(log.append(entries(log.endOffset(), 5, T0)));
    assertTrue(openers.size() > 3, "the appends rolled segments: " + openers);
    assertTrue(openers.stream().allMatch(name -> name.startsWith("log-test-write-")), openers.toString());

    clockReaders.clear();
    assertEquals(500, readAll(log, 0).size());
    assertEquals(0L, await(log.offsetAtOrAfter(T0)));
    assertFalse(clockReaders.isEmpty());
    assertTrue(clockReaders.stream().allMatch(name -> name.startsWith("log-test-read-")), clockReaders.toString());
  }

  private final class RecordingClock extends Clock {
    @Override
    public long millis() {
      clockReaders.add(Thread.currentThread().getName());
      return T0;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
