package io.tributary.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.tributary.log.InMemoryShardLog;
import io.tributary.shard.ShardRequest.Append;
import io.tributary.shard.ShardRequest.Appended;
import io.tributary.shard.ShardRequest.IncomingRecord;
import io.tributary.shard.ShardRequest.Read;
import io.tributary.shard.ShardRequest.Subscribe;
import io.tributary.shard.ShardRequest.Tip;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On one node the shard protocol copies nothing: the codecs hand message objects over as they are, and a
 * page's records share their data arrays with the log's.
 */
class ShardLocalDeliveryTest {
  private static final long DAY_MILLIS = 24L * 3600 * 1000;
  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    ShardClient.registerCodecs(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aMessageAndItsAnswerArriveAsTheSameObjects() throws Exception {
    ShardPage page = new ShardPage(List.of(new ShardRecord(0, 1, "k", new byte[] {1})), 1, 1, -1);
    CompletableFuture<Object> received = new CompletableFuture<>();
    vertx.eventBus().<Append>consumer("probe", message -> {
      received.complete(message.body());
      message.reply(page);
    }).completion().await(10, TimeUnit.SECONDS);
    Append append = new Append(List.of(new IncomingRecord("k", new byte[] {1})), null);
    Message<Object> answer = vertx.eventBus().request("probe", append).await(10, TimeUnit.SECONDS);
    assertSame(append, received.getNow(null));
    assertSame(page, answer.body());
  }

  @Test
  void aPageSharesTheDataOfTheRecordsItCarries() throws Exception {
    vertx.deployVerticle(new ShardVerticle("shard", () -> Future.succeededFuture(
        InMemoryShardLog.open(vertx, Clock.systemUTC(), DAY_MILLIS, 60_000)), Clock.systemUTC(), false))
        .await(10, TimeUnit.SECONDS);
    CompletableFuture<Tip> told = new CompletableFuture<>();
    MessageConsumer<Tip> tips = vertx.eventBus().consumer("subscriber", message -> told.complete(message.body()));
    tips.completion().await(10, TimeUnit.SECONDS);
    Tip first = vertx.eventBus().<Tip>request("shard", new Subscribe("subscriber")).await(10, TimeUnit.SECONDS).body();
    assertEquals(new Tip(0, -1, false), first);

    byte[] data = {4, 5, 6};
    Appended appended = vertx.eventBus().<Appended>request("shard",
        new Append(List.of(new IncomingRecord("key", data), new IncomingRecord(ShardRecord.NO_PARTITION_KEY, new byte[0])), null))
        .await(10, TimeUnit.SECONDS).body();
    assertEquals(0, appended.firstOffset());
    assertEquals(2, appended.count());
    assertEquals(2, told.orTimeout(10, TimeUnit.SECONDS).join().endOffset(), "the subscriber is told the new tip");

    ShardPage page = vertx.eventBus().<ShardPage>request("shard", new Read(0, 10, 1024, null))
        .await(10, TimeUnit.SECONDS).body();
    assertEquals(2, page.records().size());
    ShardRecord record = page.records().get(0);
    assertSame(data, record.data(), "the record's data is the array that was appended");
    assertEquals(0, record.offset());
    assertEquals(appended.arrivalMillis(), record.arrivalMillis());
    assertEquals("key", record.partitionKey());
    assertEquals(6, record.size());
    assertEquals(ShardRecord.NO_PARTITION_KEY, page.records().get(1).partitionKey());
    assertEquals(2, page.nextOffset());
    assertEquals(2, page.endOffset());
    assertFalse(page.nextArrivalMillis() >= 0, "the page reached the end");
  }
}
