package io.tributary.shard;

import io.tributary.api.KinesisException;
import io.tributary.shard.ShardRequest.Append;
import io.tributary.shard.ShardRequest.Appended;
import io.tributary.shard.ShardRequest.IncomingRecord;
import io.tributary.shard.ShardRequest.Locate;
import io.tributary.shard.ShardRequest.Position;
import io.tributary.shard.ShardRequest.Read;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import java.util.List;

/** How API handlers reach shard verticles: typed requests over the event bus, failures as InternalFailure. */
public final class ShardClient {
  private static final long TIMEOUT_MILLIS = 30_000;

  private final EventBus eventBus;
  private final DeliveryOptions options = new DeliveryOptions().setSendTimeout(TIMEOUT_MILLIS);

  public ShardClient(Vertx vertx) {
    this.eventBus = vertx.eventBus();
  }

  /** Registers the local codecs of the shard messages; once per Vert.x instance. */
  public static void registerCodecs(Vertx vertx) {
    EventBus bus = vertx.eventBus();
    register(bus, Append.class);
    register(bus, Read.class);
    register(bus, Locate.class);
    register(bus, Appended.class);
    register(bus, ShardPage.class);
    register(bus, ShardRequest.SetRetention.class);
    register(bus, ShardRequest.Close.class);
    register(bus, ShardRequest.Closed.class);
    register(bus, ShardRequest.Subscribe.class);
    register(bus, ShardRequest.Unsubscribe.class);
    register(bus, ShardRequest.Tip.class);
  }

  private static <T> void register(EventBus bus, Class<T> type) {
    bus.registerDefaultCodec(type, new LocalCodec<>(type));
  }

  public Future<Appended> append(StreamDescriptor stream, ShardDescriptor shard, List<IncomingRecord> records) {
    return request(stream, shard, new Append(records));
  }

  public Future<ShardPage> read(StreamDescriptor stream, ShardDescriptor shard, long fromOffset, int maxRecords,
      long maxBytes) {
    return request(stream, shard, new Read(fromOffset, maxRecords, maxBytes));
  }

  public Future<Long> locate(StreamDescriptor stream, ShardDescriptor shard, Position position, long timestampMillis) {
    return request(stream, shard, new Locate(position, timestampMillis));
  }

  public Future<Void> setRetention(StreamDescriptor stream, ShardDescriptor shard, long retentionMillis) {
    return request(stream, shard, new ShardRequest.SetRetention(retentionMillis));
  }

  /** Closes the shard to appends; completes once every append it took is acknowledged. */
  public Future<ShardRequest.Closed> close(StreamDescriptor stream, ShardDescriptor shard) {
    return request(stream, shard, new ShardRequest.Close());
  }

  /**
   * Asks the shard to send its {@link ShardRequest.Tip} to a local event-bus address after every
   * acknowledged append; completes with the current tip.
   */
  public Future<ShardRequest.Tip> subscribe(StreamDescriptor stream, ShardDescriptor shard, String address) {
    return request(stream, shard, new ShardRequest.Subscribe(address));
  }

  /** Stops the notifications to the address; a shard that is gone has none to stop. */
  public void unsubscribe(StreamDescriptor stream, ShardDescriptor shard, String address) {
    eventBus.send(ShardAddress.of(stream.uid(), shard.shardId()), new ShardRequest.Unsubscribe(address));
  }

  /**
   * Sends a request to a shard's verticle. An append refused by a closed shard fails with
   * {@link ShardClosedException}; any other failure becomes InternalFailure.
   */
  private <T> Future<T> request(StreamDescriptor stream, ShardDescriptor shard, ShardRequest request) {
    return eventBus.<T>request(ShardAddress.of(stream.uid(), shard.shardId()), request, options)
        .map(Message::body)
        .recover(failure -> Future.failedFuture(
            failure instanceof ReplyException reply && reply.failureCode() == ShardRequest.CLOSED_FAILURE
                ? new ShardClosedException() : KinesisException.internalFailure()));
  }
}
