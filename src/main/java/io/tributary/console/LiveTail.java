package io.tributary.console;

import io.tributary.Services;
import io.tributary.shard.ShardRecord;
import io.tributary.shard.ShardPage;
import io.tributary.shard.ShardRequest.Moved;
import io.tributary.shard.ShardRequest.Tip;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * One live tail of a shard, sent to a browser as server-sent events. Like a SubscribeToShard subscription it
 * follows the shard's tip (the shard tells it of every acknowledged append) and reads from its position in
 * pages of at most {@link #PAGE_RECORDS} records and {@link #PAGE_BYTES} bytes; a page is read only once the
 * previous event is flushed to the socket, so a slow browser pauses its own tail and the server holds at
 * most one page for it ({@link LiveTails} counts them and bounds how many run at once).
 *
 * <p>Events (each {@code event: NAME} and one line of JSON {@code data}):
 * <pre>
 *   start    {"shardId", "from", "offset"}                      once, where the tail starts
 *   records  {"records": [{"sequenceNumber", "partitionKey",
 *             "arrival" (epoch ms), "size", "kind" (json|text|hex), "text", "cut"}]}
 *   end      {"reason"}                                         the shard is closed and fully sent, then the stream ends
 * </pre>
 * and a comment line every {@link #KEEPALIVE_MILLIS} while idle. Runs on the request's context.
 */
final class LiveTail {
  static final int PAGE_RECORDS = 50;
  static final long PAGE_BYTES = 256 * 1024;
  private static final long KEEPALIVE_MILLIS = 15_000;

  private final Services services;
  private final LiveTails tails;
  private final Vertx vertx;
  private final StreamDescriptor stream;
  private final ShardDescriptor shard;
  private final HttpServerResponse response;
  private final String address = "tributary.console.tail." + UUID.randomUUID();
  private MessageConsumer<Object> tips;
  private long position;
  private long tipOffset = -1;
  private boolean shardEnded;
  private boolean reading;
  private boolean writing;
  private boolean finished;
  private long keepalive = -1;

  private LiveTail(Services services, LiveTails tails, StreamDescriptor stream, ShardDescriptor shard,
      HttpServerResponse response, long position) {
    this.services = services;
    this.tails = tails;
    this.vertx = services.vertx();
    this.stream = stream;
    this.shard = shard;
    this.response = response;
    this.position = position;
  }

  /**
   * Starts a tail admitted by {@link LiveTails#admit} at {@code offset}; it ends when the browser goes or the
   * shard is done, and then releases its place.
   */
  static void start(Services services, LiveTails tails, StreamDescriptor stream, ShardDescriptor shard,
      HttpServerResponse response, String from, long offset) {
    new LiveTail(services, tails, stream, shard, response, offset).begin(from);
  }

  private void begin(String from) {
    response.setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no");
    response.closeHandler(v -> finish());
    response.exceptionHandler(failure -> finish());
    response.drainHandler(v -> pump());
    if (response.closed()) {  // the browser left while the start was located
      finish();
      return;
    }
    write(event("start", new JsonObject().put("shardId", shard.shardId()).put("from", from).put("offset", position)));
    keepalive = vertx.setPeriodic(KEEPALIVE_MILLIS, t -> {
      if (!writing && !reading) write(Buffer.buffer(": idle\n\n"));
    });
    // Reachable from the shard's node, and registered before the shard is told of it (see ShardClient.subscribe).
    tips = vertx.eventBus().consumer(address, message -> {
      if (message.body() instanceof Tip tip) {
        onTip(tip);
      } else if (message.body() instanceof Moved) {
        subscribeAtShard();  // the shard now runs on another node: follow it there
      }
    });
    tips.completion().onSuccess(v -> subscribeAtShard())
        .onFailure(failure -> end("the shard cannot be read: " + failure.getMessage()));
  }

  /** Tells the shard this tail's address, and reads from the tip it answers with. */
  private void subscribeAtShard() {
    services.shards().subscribe(stream, shard, address)
        .onSuccess(tip -> {
          if (finished) {
            services.shards().unsubscribe(stream, shard, address);  // ended before the shard took the subscription
          } else {
            onTip(tip);
          }
        })
        .onFailure(failure -> end("the shard cannot be read: " + failure.getMessage()));
  }

  private void onTip(Tip tip) {
    if (finished) return;
    tipOffset = Math.max(tipOffset, tip.endOffset());
    shardEnded |= tip.ended();
    pump();
  }

  private void pump() {
    if (finished || reading || writing || tipOffset < 0 || response.writeQueueFull()) return;
    if (position < tipOffset) {
      reading = true;
      services.shards().read(stream, shard, position, PAGE_RECORDS, PAGE_BYTES).onComplete(read -> {
        reading = false;
        if (finished) return;
        if (read.failed()) {
          end("the shard cannot be read: " + read.cause().getMessage());
          return;
        }
        send(read.result());
        pump();
      });
    } else if (shardEnded) {
      end("the shard is closed and every record of it was sent");
    }
  }

  private void send(ShardPage page) {
    if (page.records().isEmpty() && page.nextOffset() <= position) {
      tipOffset = position;  // nothing readable there (past retention): wait for the next append
      return;
    }
    position = page.nextOffset();
    if (page.records().isEmpty()) return;
    JsonArray records = new JsonArray();
    for (ShardRecord record : page.records()) {
      RecordText shown = RecordText.of(record.data());
      records.add(shown.toJson()
          .put("sequenceNumber", shard.sequenceNumber(record.offset(), record.arrivalMillis()))
          .put("partitionKey", record.partitionKey())
          .put("arrival", record.arrivalMillis())
          .put("size", record.data().length));
    }
    write(event("records", new JsonObject().put("records", records)));
    tails.sent(page.records().size());
  }

  private static Buffer event(String name, JsonObject data) {
    return Buffer.buffer("event: " + name + "\ndata: " + data.encode() + "\n\n");
  }

  private void write(Buffer frame) {
    if (finished || response.closed()) return;
    writing = true;
    long bytes = frame.length();
    tails.writing(bytes);
    response.write(frame).onComplete(written -> {
      tails.flushed(bytes);
      writing = false;
      if (written.failed()) finish(); else pump();
    });
  }

  private void end(String reason) {
    if (finished) return;
    if (!response.closed() && !response.ended()) {
      response.end(event("end", new JsonObject().put("reason", reason)));
    }
    finish();
  }

  /** Releases what the tail holds; once. */
  private void finish() {
    if (finished) return;
    finished = true;
    tails.release();
    if (keepalive >= 0) vertx.cancelTimer(keepalive);
    if (tips != null) {
      tips.unregister();
      services.shards().unsubscribe(stream, shard, address);
    }
    if (!response.closed() && !response.ended()) response.end();
  }
}
