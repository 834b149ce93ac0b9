package io.tributary.trigger;

import io.tributary.Services;
import io.tributary.bridge.KafkaClientSettings;
import io.tributary.shard.ShardRequest.Position;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.tributary.trigger.TriggerCheckpoints.LanePosition;
import io.tributary.trigger.TriggerDefinition.StartingPosition;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One running trigger: finds the stream's shards, and runs {@link ShardDelivery} lanes (ParallelizationFactor
 * of them) for each shard whose parents are finished, so a key's records reach the target in the order the
 * stream holds them across splits and merges; a shard closed and fully delivered is marked done in the
 * checkpoints and its children start. On its first start on a stream it fixes every shard's starting
 * offset (StartingPosition) in the checkpoints, so a restart does not move a LATEST or AT_TIMESTAMP start;
 * shards made later start at their trim horizon. A stream deleted and created again under the same name is
 * started afresh. Runs on the trigger verticle's event loop; not thread-safe.
 */
final class Trigger {
  private final Services services;
  private final TriggerSettings settings;
  private final FunctionInvoker invoker;
  private final Path checkpointDirectory;
  private final TriggerMetrics metrics;
  private final Map<String, List<ShardDelivery>> deliveries = new LinkedHashMap<>();
  private TriggerDefinition definition;
  private TriggerCheckpoints checkpoints;
  private FailureDestination destination;
  private String invokeUrl;
  private String invokeIdentityArn;
  private boolean running;
  private boolean scanning;
  /** Completes once every lane stopped last has ended its invocation under way. */
  private Future<Void> quiet = Future.succeededFuture();
  private long scanTimer = -1;
  private String lastError;
  private String lastProcessingResult = "No records processed";

  Trigger(Services services, TriggerSettings settings, FunctionInvoker invoker, Path checkpointDirectory,
      TriggerDefinition definition) {
    this.services = services;
    this.settings = settings;
    this.invoker = invoker;
    this.checkpointDirectory = checkpointDirectory;
    this.definition = definition;
    this.metrics = new TriggerMetrics(services.meters(), definition.uuid());
  }

  /** Loads the checkpoints (once) and, when enabled, starts delivering. */
  Future<Void> start() {
    Future<Void> loaded = checkpoints != null ? Future.succeededFuture()
        : TriggerCheckpoints.load(checkpointDirectory, definition.uuid(), services.pools().control())
            .map(kept -> {
              checkpoints = kept;
              return null;
            });
    return loaded.map(v -> {
      invokeUrl = definition.invokeUrl(settings.lambdaEndpoint());
      invokeIdentityArn = "arn:aws:iam::" + definition.stream().account() + ":role/tributary-trigger";
      destination = definition.destinationTopic() != null
          ? new KafkaTopicDestination(new KafkaClientSettings(services.settings()), services.pools().bridge(), definition.destinationTopic())
          : definition.destinationStream() != null ? new StreamDestination(services, definition.destinationStream()) : null;
      if (!definition.enabled()) return null;
      if (invokeUrl == null) {
        lastError = "FunctionName " + definition.functionName() + " has no invoke URL: set TargetUrl or triggers.lambda.endpoint";
        return null;
      }
      running = true;
      scanTimer = vertx().setPeriodic(settings.scanMillis(), t -> scan());
      scan();
      return null;
    });
  }

  /** Stops every lane after its invocation under way. */
  Future<Void> stop() {
    running = false;
    if (scanTimer >= 0) vertx().cancelTimer(scanTimer);
    scanTimer = -1;
    return stopDeliveries().eventually(() -> destination == null ? Future.succeededFuture() : destination.close());
  }

  /** Stops, takes the new definition and starts again from the checkpoints. */
  Future<Void> update(TriggerDefinition changed) {
    return stop().compose(v -> {
      definition = changed;
      return start();
    });
  }

  /** Forgets the trigger: meters and checkpoints; call after {@link #stop}. */
  Future<Void> forget() {
    metrics.remove();
    return services.pools().control().executeBlocking(() -> {
      TriggerCheckpoints.delete(checkpointDirectory, definition.uuid());
      return null;
    }, false);
  }

  private Future<Void> stopDeliveries() {
    List<Future<Void>> stopping = new ArrayList<>();
    for (List<ShardDelivery> lanes : deliveries.values()) for (ShardDelivery lane : lanes) stopping.add(lane.stop());
    deliveries.clear();
    quiet = Future.join(stopping).mapEmpty();
    return quiet;
  }

  private void scan() {
    if (!running || scanning || !quiet.isComplete()) return;
    long age = 0;
    for (List<ShardDelivery> lanes : deliveries.values()) for (ShardDelivery lane : lanes) age = Math.max(age, lane.iteratorAgeMillis());
    metrics.iteratorAge(age);
    StreamDescriptor stream = services.registry().find(definition.stream());
    if (stream == null || !stream.acceptsData()) {
      lastError = "Stream " + definition.stream().name() + " under account " + definition.stream().account()
          + " not found or not ACTIVE";
      if (!deliveries.isEmpty()) stopDeliveries();
      return;
    }
    scanning = true;
    Future<Void> prepared = stream.uid().equals(checkpoints.streamUid()) && !checkpoints.isEmpty()
        ? Future.succeededFuture()
        : stopDeliveries().compose(v -> startPositions(stream));
    prepared.compose(v -> launchReady(stream)).onComplete(done -> {
      scanning = false;
      if (done.failed()) lastError = String.valueOf(done.cause().getMessage());
    });
  }

  /** The first start on this stream: every shard's starting offset, made durable before any delivery. */
  private Future<Void> startPositions(StreamDescriptor stream) {
    checkpoints.reset(stream.uid());
    List<Future<Void>> located = new ArrayList<>();
    StartingPosition position = definition.startingPosition();
    for (ShardDescriptor shard : stream.shards()) {
      boolean skipped = !shard.isOpen() && (position == StartingPosition.LATEST
          || position == StartingPosition.AT_TIMESTAMP && shard.closedMillis() < definition.startingTimestampMillis());
      if (skipped) {
        checkpoints.start(shard.shardId(), lanesAt(0), true);
        continue;
      }
      located.add(services.shards().locate(stream, shard, Position.valueOf(position.name()), definition.startingTimestampMillis())
          .map(offset -> {
            checkpoints.start(shard.shardId(), lanesAt(offset), false);
            return null;
          }));
    }
    return Future.all(located).compose(v -> checkpoints.save());
  }

  private LanePosition[] lanesAt(long offset) {
    LanePosition[] lanes = new LanePosition[definition.parallelizationFactor()];
    Arrays.fill(lanes, LanePosition.at(offset));
    return lanes;
  }

  /** Starts the lanes of every shard not yet finished whose parents are. */
  private Future<Void> launchReady(StreamDescriptor stream) {
    List<Future<Void>> launched = new ArrayList<>();
    for (ShardDescriptor shard : stream.shards()) {
      String shardId = shard.shardId();
      if (deliveries.containsKey(shardId) || checkpoints.done(shardId)) continue;
      if (!finished(stream, shard.parentShardId()) || !finished(stream, shard.adjacentParentShardId())) continue;
      LanePosition[] kept = checkpoints.lanes(shardId, definition.parallelizationFactor());
      Future<LanePosition[]> lanes = kept != null ? Future.succeededFuture(kept)
          : services.shards().locate(stream, shard, Position.TRIM_HORIZON, 0).map(this::lanesAt);
      launched.add(lanes.map(positions -> {
        if (!running || deliveries.containsKey(shardId)) return null;
        checkpoints.start(shardId, positions, false);
        List<ShardDelivery> started = new ArrayList<>();
        for (int lane = 0; lane < positions.length; lane++) started.add(new ShardDelivery(this, shard, lane, positions[lane]));
        deliveries.put(shardId, started);
        for (ShardDelivery delivery : started) delivery.start(stream);
        return null;
      }));
    }
    return Future.all(launched).mapEmpty();
  }

  private boolean finished(StreamDescriptor stream, String shardId) {
    return shardId == null || stream.shard(shardId) == null || checkpoints.done(shardId);
  }

  /** A lane has delivered all of its closed shard; once all lanes have, the shard is done and its children start. */
  void laneFinished(String shardId) {
    List<ShardDelivery> lanes = deliveries.get(shardId);
    if (lanes == null || !lanes.stream().allMatch(ShardDelivery::finished)) return;
    checkpoints.finish(shardId);
    checkpoints.save().onComplete(saved -> {
      if (deliveries.get(shardId) == lanes) {
        deliveries.remove(shardId);
        lanes.forEach(ShardDelivery::stop);
      }
      scan();
    });
  }

  void failed(String shardId, String error) {
    lastError = shardId + ": " + error;
    lastProcessingResult = "PROBLEM: " + error;
  }

  void succeeded() {
    lastProcessingResult = "OK";
  }

  /** The stream as the registry has it now; fails when it does not exist or does not take data. */
  StreamDescriptor currentStream() {
    StreamDescriptor stream = services.registry().find(definition.stream());
    if (stream == null || !stream.acceptsData() || !stream.uid().equals(checkpoints.streamUid())) {
      throw new IllegalStateException("stream " + definition.stream().name() + " does not exist or is not ACTIVE");
    }
    return stream;
  }

  LambdaEvent.Source source(ShardDescriptor shard) {
    return new LambdaEvent.Source(definition.stream().arn(), definition.stream().region(), invokeIdentityArn, shard);
  }

  TriggerDefinition definition() { return definition; }

  Services services() { return services; }

  Vertx vertx() { return services.vertx(); }

  Clock clock() { return services.clock(); }

  TriggerSettings settings() { return settings; }

  TriggerMetrics metrics() { return metrics; }

  TriggerCheckpoints checkpoints() { return checkpoints; }

  FunctionInvoker invoker() { return invoker; }

  String invokeUrl() { return invokeUrl; }

  FailureDestination destination() { return destination; }

  String functionArn() { return definition.functionArn(); }

  /** The EventSourceMappingConfiguration, with State and LastProcessingResult, and the trigger's own status. */
  JsonObject status() {
    TriggerMetrics.Counts counts = metrics.counts();
    JsonObject status = new JsonObject()
        .put("InvokeUrl", invokeUrl)
        .put("LastError", lastError)
        .put("Invocations", counts.invocations())
        .put("Errors", counts.errors())
        .put("Retries", counts.retries())
        .put("RecordsDelivered", counts.recordsDelivered())
        .put("RecordsToFailureDestination", counts.recordsToFailureDestination())
        .put("IteratorAgeMilliseconds", counts.iteratorAgeMillis())
        .put("Positions", checkpoints == null ? null : checkpoints.toJson().getJsonObject("shards"));
    return definition.toJson()
        .put("State", definition.enabled() ? "Enabled" : "Disabled")
        .put("StateTransitionReason", "USER_INITIATED")
        .put("LastProcessingResult", lastProcessingResult)
        .put("Status", status);
  }
}
