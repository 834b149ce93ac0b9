package io.tributary.stream;

import io.tributary.DurableJsonFile;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registries' streams and channels, and the account settings, in one JSON file,
 * {@code <data dir>/streams.json}, under the top-level members {@code streams}, {@code channels} and
 * {@code accounts} (a file written before channels or account settings existed lacks those members and
 * loads with none). The file is replaced atomically ({@link DurableJsonFile}), so a crash leaves either the
 * old or the new catalog, never a torn one.
 *
 * <p>Writes run on a worker; the {@link MetadataWriter} issues one at a time.
 */
public final class StreamCatalogFile implements StreamCatalog {
  private static final int FORMAT_VERSION = 1;

  private final WorkerExecutor workers;
  private final DurableJsonFile file;

  /** The catalog in the data directory, read and written on the control-plane workers. */
  public StreamCatalogFile(WorkerExecutor workers, Path dataDir) {
    this.workers = workers;
    this.file = new DurableJsonFile(dataDir.resolve("streams.json"));
  }

  @Override
  public Future<Contents> load() {
    return workers.executeBlocking(() -> {
      JsonObject root = file.read();
      return root == null ? Contents.EMPTY : contentsFromJson(root);
    }, false);
  }

  /** Contents in this file's JSON form, which the clustered catalog also replicates. */
  public static JsonObject contentsToJson(Contents contents) {
    return toJson(contents.streams(), contents.channels(), contents.accounts());
  }

  /** Contents from this file's JSON form. */
  public static Contents contentsFromJson(JsonObject root) {
    List<StreamDescriptor> streams = new ArrayList<>();
    for (Object stream : root.getJsonArray("streams")) streams.add(fromJson((JsonObject) stream));
    List<ChannelDescriptor> kept = new ArrayList<>();
    for (Object channel : root.getJsonArray("channels", new JsonArray())) kept.add(channelFromJson((JsonObject) channel));
    List<AccountSettings> accounts = new ArrayList<>();
    for (Object account : root.getJsonArray("accounts", new JsonArray())) {
      accounts.add(accountFromJson((JsonObject) account));
    }
    return new Contents(streams, kept, accounts);
  }

  @Override
  public Future<Void> write(Contents contents) {
    return workers.executeBlocking(() -> {
      file.write(contentsToJson(contents));
      return null;
    }, false);
  }

  private static JsonObject toJson(List<StreamDescriptor> streams, List<ChannelDescriptor> channels,
      List<AccountSettings> accountSettings) {
    JsonArray array = new JsonArray();
    for (StreamDescriptor stream : streams) {
      JsonArray consumers = new JsonArray();
      for (ConsumerDescriptor consumer : stream.consumers()) {
        consumers.add(new JsonObject()
            .put("name", consumer.name())
            .put("arn", consumer.arn())
            .put("status", consumer.status().name())
            .put("createdMillis", consumer.createdMillis())
            .put("tags", new JsonObject(new LinkedHashMap<>(consumer.tags()))));
      }
      array.add(new JsonObject()
          .put("account", stream.key().account())
          .put("region", stream.key().region())
          .put("name", stream.name())
          .put("uid", stream.uid())
          .put("status", stream.status().name())
          .put("mode", stream.mode().name())
          .put("createdMillis", stream.createdMillis())
          .put("retentionHours", stream.retentionHours())
          .put("maxRecordSizeKiB", stream.maxRecordSizeKiB())
          .put("shards", shardsToJson(stream.shards()))
          .put("pendingReshard", reshardToJson(stream.pendingReshard()))
          .put("nextShardIndex", stream.nextShardIndex())
          .put("tags", new JsonObject(new LinkedHashMap<>(stream.tags())))
          .put("encryptionType", stream.encryptionType())
          .put("keyId", stream.keyId())
          .put("shardLevelMetrics", new JsonArray(new ArrayList<>(stream.shardLevelMetrics())))
          .put("warmThroughputMiBps", stream.warmThroughputMiBps())
          .put("warmThroughputCurrentMiBps", stream.warmThroughputCurrentMiBps())
          .put("encryptionChanges", new JsonArray(new ArrayList<>(stream.encryptionChanges())))
          .put("recordDistributionStrategy", stream.recordDistributionStrategy().name())
          .put("consumers", consumers)
          .put("policies", new JsonObject(new LinkedHashMap<>(stream.policies())))
          .put("scalingTimes", new JsonArray(new ArrayList<>(stream.scalingTimes())))
          .put("deletedWhileCreating", stream.deletedWhileCreating()));
    }
    JsonArray accounts = new JsonArray();
    for (AccountSettings settings : accountSettings) {
      BillingCommitment commitment = settings.commitment();
      accounts.add(new JsonObject()
          .put("account", settings.account())
          .put("region", settings.region())
          .put("billingCommitment", new JsonObject()
              .put("startedMillis", commitment.startedMillis())
              .put("earliestAllowedEndMillis", commitment.earliestAllowedEndMillis())
              .put("endedMillis", commitment.endedMillis())));
    }
    return new JsonObject().put("version", FORMAT_VERSION).put("streams", array).put("channels", channelsToJson(channels))
        .put("accounts", accounts);
  }

  private static AccountSettings accountFromJson(JsonObject json) {
    JsonObject commitment = json.getJsonObject("billingCommitment", new JsonObject());
    return new AccountSettings(json.getString("account"), json.getString("region"), new BillingCommitment(
        commitment.getLong("startedMillis"), commitment.getLong("earliestAllowedEndMillis"),
        commitment.getLong("endedMillis")));
  }

  private static StreamDescriptor fromJson(JsonObject json) {
    List<ShardDescriptor> shards = shardsFromJson(json.getJsonArray("shards"));
    List<ConsumerDescriptor> consumers = new ArrayList<>();
    for (Object item : json.getJsonArray("consumers", new JsonArray())) {
      JsonObject consumer = (JsonObject) item;
      consumers.add(new ConsumerDescriptor(consumer.getString("name"), consumer.getString("arn"),
          ConsumerStatus.valueOf(consumer.getString("status")), consumer.getLong("createdMillis"),
          strings(consumer.getJsonObject("tags"))));
    }
    List<String> metrics = new ArrayList<>();
    json.getJsonArray("shardLevelMetrics", new JsonArray()).forEach(metric -> metrics.add((String) metric));
    List<Long> scalingTimes = new ArrayList<>();
    json.getJsonArray("scalingTimes", new JsonArray()).forEach(time -> scalingTimes.add(((Number) time).longValue()));
    List<Long> encryptionChanges = new ArrayList<>();
    json.getJsonArray("encryptionChanges", new JsonArray())
        .forEach(time -> encryptionChanges.add(((Number) time).longValue()));
    StreamKey key = new StreamKey(json.getString("account"), json.getString("region"), json.getString("name"));
    return StreamDescriptor.builder(key, json.getString("uid"))
        .status(StreamStatus.valueOf(json.getString("status")))
        .mode(StreamMode.valueOf(json.getString("mode")))
        .createdMillis(json.getLong("createdMillis"))
        .retentionHours(json.getInteger("retentionHours"))
        .maxRecordSizeKiB(json.getInteger("maxRecordSizeKiB"))
        .shards(shards)
        .pendingReshard(reshardFromJson(json.getJsonObject("pendingReshard")))
        .nextShardIndex(json.getInteger("nextShardIndex", 0))
        .tags(strings(json.getJsonObject("tags")))
        .encryption(json.getString("encryptionType", "NONE"), json.getString("keyId"))
        .encryptionChanges(encryptionChanges)
        .shardLevelMetrics(metrics)
        .warmThroughputMiBps(json.getInteger("warmThroughputMiBps"))
        .warmThroughputCurrentMiBps(json.getInteger("warmThroughputCurrentMiBps"))
        .recordDistributionStrategy(RecordDistributionStrategy.valueOf(
            json.getString("recordDistributionStrategy", RecordDistributionStrategy.USER_PARTITION_KEY.name())))
        .consumers(consumers)
        .policies(strings(json.getJsonObject("policies")))
        .scalingTimes(scalingTimes)
        .deletedWhileCreating(json.getBoolean("deletedWhileCreating", false))
        .build();
  }

  private static JsonArray shardsToJson(List<ShardDescriptor> shards) {
    JsonArray array = new JsonArray();
    for (ShardDescriptor shard : shards) {
      array.add(new JsonObject()
          .put("shardId", shard.shardId())
          .put("index", shard.index())
          .put("startingHashKey", shard.hashKeyRange().start().toString())
          .put("endingHashKey", shard.hashKeyRange().end().toString())
          .put("parentShardId", shard.parentShardId())
          .put("adjacentParentShardId", shard.adjacentParentShardId())
          .put("createdMillis", shard.createdMillis())
          .put("endingSequenceNumber", shard.endingSequenceNumber())
          .put("closedMillis", shard.closedMillis()));
    }
    return array;
  }

  private static List<ShardDescriptor> shardsFromJson(JsonArray array) {
    List<ShardDescriptor> shards = new ArrayList<>();
    for (Object item : array) {
      JsonObject shard = (JsonObject) item;
      shards.add(new ShardDescriptor(shard.getString("shardId"), shard.getInteger("index"),
          new HashKeyRange(new BigInteger(shard.getString("startingHashKey")), new BigInteger(shard.getString("endingHashKey"))),
          shard.getString("parentShardId"), shard.getString("adjacentParentShardId"), shard.getLong("createdMillis"),
          shard.getString("endingSequenceNumber"), shard.getLong("closedMillis")));
    }
    return shards;
  }

  /** A reshard under way: {@code {"closing": [shard ids], "created": [shards], "scaling": bool}}, or null. */
  private static JsonObject reshardToJson(Resharding.Plan plan) {
    if (plan == null) return null;
    return new JsonObject()
        .put("closing", new JsonArray(new ArrayList<>(plan.closing())))
        .put("created", shardsToJson(plan.created()))
        .put("scaling", plan.scaling());
  }

  private static Resharding.Plan reshardFromJson(JsonObject json) {
    if (json == null) return null;
    List<String> closing = new ArrayList<>();
    json.getJsonArray("closing").forEach(id -> closing.add((String) id));
    return new Resharding.Plan(closing, shardsFromJson(json.getJsonArray("created")), json.getBoolean("scaling", false));
  }

  private static JsonArray channelsToJson(List<ChannelDescriptor> channels) {
    JsonArray array = new JsonArray();
    for (ChannelDescriptor channel : channels) {
      JsonArray sources = new JsonArray();
      for (ChannelDescriptor.Source source : channel.sources()) {
        sources.add(new JsonObject()
            .put("streamArn", source.streamArn())
            .put("streamCreatedMillis", source.streamCreatedMillis())
            .put("recordConfiguration", source.recordConfiguration()));
      }
      array.add(new JsonObject()
          .put("account", channel.account())
          .put("region", channel.region())
          .put("name", channel.name())
          .put("id", channel.id())
          .put("status", channel.status().name())
          .put("createdMillis", channel.createdMillis())
          .put("serviceExecutionRoleArn", channel.serviceExecutionRoleArn())
          .put("sources", sources)
          .put("settings", channel.settings())
          .put("tags", new JsonObject(new LinkedHashMap<>(channel.tags()))));
    }
    return array;
  }

  private static ChannelDescriptor channelFromJson(JsonObject json) {
    List<ChannelDescriptor.Source> sources = new ArrayList<>();
    for (Object item : json.getJsonArray("sources")) {
      JsonObject source = (JsonObject) item;
      sources.add(new ChannelDescriptor.Source(source.getString("streamArn"), source.getLong("streamCreatedMillis"),
          source.getJsonObject("recordConfiguration")));
    }
    return new ChannelDescriptor(json.getString("account"), json.getString("region"), json.getString("name"),
        json.getString("id"), ChannelStatus.valueOf(json.getString("status")), json.getLong("createdMillis"),
        json.getString("serviceExecutionRoleArn"), sources, json.getJsonObject("settings"),
        strings(json.getJsonObject("tags")));
  }

  private static Map<String, String> strings(JsonObject json) {
    Map<String, String> map = new LinkedHashMap<>();
    if (json != null) json.forEach(entry -> map.put(entry.getKey(), String.valueOf(entry.getValue())));
    return map;
  }
}
