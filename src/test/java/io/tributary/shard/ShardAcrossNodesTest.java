package io.tributary.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.limits.ShardQuota;
import io.tributary.log.InMemoryShardLog;
import io.tributary.shard.ShardRequest.Append;
import io.tributary.shard.ShardRequest.Appended;
import io.tributary.shard.ShardRequest.Close;
import io.tributary.shard.ShardRequest.Closed;
import io.tributary.shard.ShardRequest.IncomingRecord;
import io.tributary.shard.ShardRequest.Locate;
import io.tributary.shard.ShardRequest.Position;
import io.tributary.shard.ShardRequest.Read;
import io.tributary.shard.ShardRequest.SetRetention;
import io.tributary.shard.ShardRequest.Subscribe;
import io.tributary.shard.ShardRequest.Tip;
import io.tributary.support.LoopbackCluster;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A shard on one node answers every request of another node over the clustered event bus: requests and
 * answers go through the wire codecs, failures keep their codes, and a subscriber on the other node is told
 * the shard's tip.
 */
class ShardAcrossNodesTest {
  private static final long DAY_MILLIS = 24L * 3600 * 1000;
  private static final ShardQuota QUOTA = new ShardQuota(64 * 1024 * 1024, 100_000, 64 * 1024 * 1024, 100);
  /** Requests go to the owner's dispatcher, naming the shard. */
  private static final DeliveryOptions TO_THE_SHARD =
      new DeliveryOptions().addHeader(ShardDispatcher.SHARD_HEADER, "tributary.shard.remote");
  private LoopbackCluster cluster;
  private Vertx owner;
  private Vertx caller;

  @BeforeEach
  void start() throws Exception {
    cluster = new LoopbackCluster();
    owner = cluster.startNode().await(20, TimeUnit.SECONDS);
    caller = cluster.startNode().await(20, TimeUnit.SECONDS);
    ShardClient.registerCodecs(owner);
    ShardClient.registerCodecs(caller);
    owner.deployVerticle(new ShardVerticle("tributary.shard.remote", () -> Future.succeededFuture(
        InMemoryShardLog.open(owner, Clock.systemUTC(), DAY_MILLIS, 60_000)), Clock.systemUTC(), false))
        .await(20, TimeUnit.SECONDS);
    new ShardDispatcher(owner, "owner").listen().await(20, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    cluster.close();
  }

  private <T> T ask(ShardRequest request) throws Exception {
    return caller.eventBus().<T>request(ShardDispatcher.addressOf("owner"), request, TO_THE_SHARD)
        .await(20, TimeUnit.SECONDS).body();
  }

  @Test
  void everyRequestIsAnsweredAcrossNodes() throws Exception {
    LinkedBlockingQueue<Tip> tips = new LinkedBlockingQueue<>();
    caller.eventBus().<Tip>consumer("tributary.subscription.remote", message -> tips.add(message.body()))
        .completion().await(20, TimeUnit.SECONDS);
    assertEquals(new Tip(0, -1, false), ask(new Subscribe("tributary.subscription.remote")));

    byte[] big = new byte[1024 * 1024];
    new Random(1).nextBytes(big);
    List<IncomingRecord> records = List.of(
        new IncomingRecord("ключ-日本-\uD83D\uDE00", new byte[] {1, 2, 3}),
        new IncomingRecord(ShardRecord.NO_PARTITION_KEY, new byte[0]),
        new IncomingRecord("big", big));
    Appended appended = ask(new Append(records, QUOTA));
    assertEquals(0, appended.firstOffset());
    assertEquals(3, appended.count());
    Tip told = tips.poll(20, TimeUnit.SECONDS);
    assertEquals(new Tip(3, appended.arrivalMillis(), false), told, "the subscriber on the other node is told the tip");

    ShardPage page = ask(new Read(0, 10, 2L * 1024 * 1024, QUOTA));
    assertEquals(3, page.records().size());
    assertEquals(3, page.nextOffset());
    assertEquals(3, page.endOffset());
    for (int i = 0; i < records.size(); i++) {
      ShardRecord record = page.records().get(i);
      assertEquals(i, record.offset());
      assertEquals(appended.arrivalMillis(), record.arrivalMillis());
      assertEquals(records.get(i).partitionKey(), record.partitionKey());
      assertArrayEquals(records.get(i).data(), record.data());
    }
    assertNotSame(big, page.records().get(2).data(), "the page crossed the wire");

    assertEquals(3L, (Long) ask(new Locate(Position.LATEST, 0)));
    assertEquals(0L, (Long) ask(new Locate(Position.AT_TIMESTAMP, 0)));
    assertNull(ask(new SetRetention(2 * DAY_MILLIS)));
    assertEquals(new Closed(3, appended.arrivalMillis()), ask(new Close()));
    assertTrue(tips.poll(20, TimeUnit.SECONDS).ended(), "the subscriber is told the shard ended");

    ReplyException refused = caller.eventBus().request(ShardDispatcher.addressOf("owner"), new Append(records, null), TO_THE_SHARD)
        .map(ok -> (ReplyException) null).otherwise(failure -> (ReplyException) failure).await(20, TimeUnit.SECONDS);
    assertEquals(ShardRequest.CLOSED_FAILURE, refused.failureCode(), "a closed shard's refusal keeps its code");

    ReplyException absent = caller.eventBus().request(ShardDispatcher.addressOf("owner"), new Close(),
            new DeliveryOptions().addHeader(ShardDispatcher.SHARD_HEADER, "tributary.shard.elsewhere"))
        .map(ok -> (ReplyException) null).otherwise(failure -> (ReplyException) failure).await(20, TimeUnit.SECONDS);
    assertEquals(ShardRequest.ABSENT_FAILURE, absent.failureCode(), "a shard that does not run there is answered at once");
  }
}
