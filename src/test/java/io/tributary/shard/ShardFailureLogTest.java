package io.tributary.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.shard.ShardRequest.Append;
import io.tributary.shard.ShardRequest.IncomingRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A shard whose log fails every append logs one line for hundreds of failed appends, without a stack
 * trace, while every append is still answered with its failure.
 */
class ShardFailureLogTest {
  /** A failure only this test raises, so no other test's log lines count. */
  static final class DiskFull extends IOException {
    DiskFull() {
      super("No space left on device");
    }
  }

  /** A log that refuses every append. */
  private static final class FailingLog extends StubShardLog {
    @Override
    public Future<Long> append(List<Entry> entries) {
      return Future.failedFuture(new DiskFull());
    }
  }

  @Test
  void manyFailedAppendsMakeOneLogLine() throws Exception {
    Vertx vertx = Vertx.vertx();
    PrintStream stderr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try {
      ShardClient.registerCodecs(vertx);
      vertx.deployVerticle(new ShardVerticle("failing-shard", () -> Future.succeededFuture(new FailingLog()),
          Clock.systemUTC(), false)).await(10, TimeUnit.SECONDS);
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      List<Future<io.vertx.core.eventbus.Message<Object>>> appends = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        appends.add(vertx.eventBus().request("failing-shard",
            new Append(List.of(new IncomingRecord("k", new byte[] {1})), null)));
      }
      Future.join(appends).otherwiseEmpty().await(10, TimeUnit.SECONDS);
      for (Future<io.vertx.core.eventbus.Message<Object>> append : appends) assertTrue(append.failed(), "every append is answered with its failure");
    } finally {
      System.setErr(stderr);
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    long lines = log.lines().filter(line -> line.contains("Append to failing-shard failed")).count();
    assertEquals(1, lines, log);
    assertTrue(log.contains(DiskFull.class.getName() + ": No space left on device"), log);
    assertFalse(log.contains("\tat "), "no stack trace: " + log);
  }
}
