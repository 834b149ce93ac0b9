package io.tributary.console;

import io.tributary.Services;
import io.tributary.bridge.BridgeVerticle;
import io.tributary.stream.ConsumerDescriptor;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The JSON documents the console's pages draw: the list of streams of every account and region, and one
 * stream with its shard lineage, rates, consumers, Kafka mirrors and iterator ages. Hash keys are decimal
 * strings (they exceed a JavaScript number); times are epoch milliseconds.
 */
final class StreamViews {
  private static final long MIRROR_ASK_MILLIS = 5000;

  private final Services services;
  private final TrafficSource traffic;

  StreamViews(Services services, TrafficSource traffic) {
    this.services = services;
    this.traffic = traffic;
  }

  /** {@code {"defaultAccount", "defaultRegion", "streams": [summary...]}}, sorted by account, region, name. */
  JsonObject overview() {
    JsonArray streams = new JsonArray();
    for (StreamDescriptor stream : services.registry().all().stream().sorted((a, b) -> a.key().compareTo(b.key())).toList()) {
      streams.add(summary(stream));
    }
    return new JsonObject()
        .put("defaultAccount", services.settings().string("account"))
        .put("defaultRegion", services.settings().string("region"))
        .put("streams", streams);
  }

  private JsonObject summary(StreamDescriptor stream) {
    double records = 0;
    double bytes = 0;
    for (ShardDescriptor shard : stream.openShards()) {
      TrafficSource.ShardRate rate = traffic.incoming(stream, shard.shardId());
      records += rate.recordsPerSecond();
      bytes += rate.bytesPerSecond();
    }
    return new JsonObject()
        .put("account", stream.key().account())
        .put("region", stream.key().region())
        .put("name", stream.name())
        .put("arn", stream.arn())
        .put("status", stream.status().name())
        .put("mode", stream.mode().name())
        .put("retentionHours", stream.retentionHours())
        .put("openShards", stream.openShardCount())
        .put("shards", stream.shards().size())
        .put("consumers", stream.consumers().size())
        .put("created", stream.createdMillis())
        .put("incomingRecordsPerSecond", records)
        .put("incomingBytesPerSecond", bytes);
  }

  /** The stream page's document: the summary, then shards, consumers, mirrors and iterator ages. */
  Future<JsonObject> detail(StreamDescriptor stream) {
    JsonObject detail = summary(stream)
        .put("encryptionType", stream.encryptionType())
        .put("maxRecordSizeKiB", stream.maxRecordSizeKiB())
        .put("shardLevelMetrics", new JsonArray(stream.shardLevelMetrics()))
        .put("tags", new JsonObject(new java.util.LinkedHashMap<String, Object>(stream.tags())));
    JsonArray shards = new JsonArray();
    for (ShardDescriptor shard : stream.shards()) {
      TrafficSource.ShardRate rate = shard.isOpen() ? traffic.incoming(stream, shard.shardId()) : TrafficSource.ShardRate.NONE;
      shards.add(new JsonObject()
          .put("shardId", shard.shardId())
          .put("parentShardId", shard.parentShardId())
          .put("adjacentParentShardId", shard.adjacentParentShardId())
          .put("startingHashKey", shard.hashKeyRange().start().toString())
          .put("endingHashKey", shard.hashKeyRange().end().toString())
          .put("open", shard.isOpen())
          .put("created", shard.createdMillis())
          .put("closed", shard.closedMillis())
          .put("startingSequenceNumber", shard.startingSequenceNumber())
          .put("endingSequenceNumber", shard.endingSequenceNumber())
          .put("incomingRecordsPerSecond", rate.recordsPerSecond())
          .put("incomingBytesPerSecond", rate.bytesPerSecond()));
    }
    detail.put("shardList", shards);
    return Future.all(traffic.iteratorAges(stream), mirrors(stream)).map(all -> {
      List<TrafficSource.ReaderAge> ages = all.resultAt(0);
      JsonArray consumers = new JsonArray();
      for (ConsumerDescriptor consumer : stream.consumers()) {
        JsonArray subscriptions = new JsonArray();
        services.subscriptions().millisBehindLatest(consumer.arn()).forEach((shardId, behind) -> subscriptions.add(
            new JsonObject().put("shardId", shardId).put("millisBehindLatest", behind < 0 ? null : behind)));
        consumers.add(new JsonObject()
            .put("name", consumer.name())
            .put("arn", consumer.arn())
            .put("status", consumer.status().name())
            .put("created", consumer.createdMillis())
            .put("subscriptions", subscriptions));
      }
      JsonArray iteratorAges = new JsonArray();
      for (TrafficSource.ReaderAge age : ages) {
        iteratorAges.add(new JsonObject().put("reader", age.reader()).put("kind", age.kind())
            .put("shardId", age.shardId()).put("iteratorAgeMillis", age.iteratorAgeMillis()));
      }
      return detail.put("consumerList", consumers).put("mirrors", all.<JsonArray>resultAt(1))
          .put("iteratorAges", iteratorAges).put("now", services.clock().millis());
    });
  }

  /** The Kafka mirrors of the stream with their state and lag; none when the bridge does not answer. */
  private Future<JsonArray> mirrors(StreamDescriptor stream) {
    JsonObject ask = new JsonObject().put("action", "list");
    return services.vertx().eventBus().<JsonObject>request(BridgeVerticle.ADDRESS, ask,
            new DeliveryOptions().setSendTimeout(MIRROR_ASK_MILLIS))
        .map(reply -> {
          JsonArray mine = new JsonArray();
          JsonArray all = reply.body().getJsonArray("mirrors", new JsonArray());
          for (int i = 0; i < all.size(); i++) {
            JsonObject mirror = all.getJsonObject(i);
            if (!stream.key().account().equals(mirror.getString("account"))
                || !stream.key().region().equals(mirror.getString("region"))
                || !stream.name().equals(mirror.getString("stream"))) {
              continue;
            }
            mine.add(new JsonObject()
                .put("name", mirror.getString("name"))
                .put("direction", mirror.getString("direction"))
                .put("topic", mirror.getString("topic"))
                .put("state", mirror.getString("state"))
                .put("healthy", mirror.getBoolean("healthy"))
                .put("lastError", mirror.getString("lastError"))
                .put("recordsMirrored", mirror.getValue("recordsMirrored"))
                .put("lagRecords", mirror.getValue("lagRecords"))
                .put("lagMillis", mirror.getValue("lagMillis")));
          }
          return mine;
        })
        .otherwise(new JsonArray());
  }
}
