package io.tributary.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.tributary.log.InMemoryShardLog;
import io.tributary.shard.ShardRequest.Append;
import io.tributary.shard.ShardRequest.Appended;
import io.tributary.shard.ShardRequest.Fence;
import io.tributary.shard.ShardRequest.IncomingRecord;
import io.tributary.shard.ShardRequest.Read;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A shard whose log keeps no fences keeps its writers' fences itself: a fenced-off generation appends nothing. */
class ShardWriterFenceTest {
  private static final long DAY_MILLIS = 24L * 3600 * 1000;
  private Vertx vertx;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    ShardClient.registerCodecs(vertx);
    vertx.deployVerticle(new ShardVerticle("shard", () -> Future.succeededFuture(
        InMemoryShardLog.open(vertx, Clock.systemUTC(), DAY_MILLIS, 60_000)), Clock.systemUTC(), false))
        .await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void anOlderGenerationIsRefusedOnceANewerOneFencedTheShard() throws Exception {
    ShardWriter first = new ShardWriter("mirror/m", 1);
    ShardWriter second = new ShardWriter("mirror/m", 2);
    assertEquals(0, append("a", first).firstOffset(), "no fence yet");
    vertx.eventBus().request("shard", new Fence(second)).await(10, TimeUnit.SECONDS);
    Exception refused = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> append("late", first));
    ReplyException reply = assertInstanceOf(ReplyException.class, refused);
    assertEquals(ShardRequest.FENCED_FAILURE, reply.failureCode());
    assertEquals(1, append("b", second).firstOffset());
    assertEquals(2, append("c", new ShardWriter("mirror/other", 0)).firstOffset(), "another writer's fence is its own");
    assertEquals(3, append("d", null).firstOffset(), "an append of no writer's");
    vertx.eventBus().request("shard", new Fence(first)).await(10, TimeUnit.SECONDS);
    assertEquals(4, append("e", second).firstOffset(), "an older fence lowers nothing");
    ShardPage page = vertx.eventBus().<ShardPage>request("shard", new Read(0, 10, 1024, null))
        .await(10, TimeUnit.SECONDS).body();
    assertEquals(List.of("a", "b", "c", "d", "e"), page.records().stream().map(r -> new String(r.data())).toList());
  }

  private Appended append(String data, ShardWriter fence) throws Exception {
    return vertx.eventBus().<Appended>request("shard",
        new Append(List.of(new IncomingRecord("k", data.getBytes())), null, fence)).await(10, TimeUnit.SECONDS).body();
  }
}
