package io.tributary.bridge;

import io.tributary.Services;
import io.tributary.bridge.StreamCheckpoints.Checkpoint;
import io.tributary.shard.ShardRecord;
import io.tributary.shard.ShardPage;
import io.tributary.shard.ShardRequest.Position;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaWriteStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Stream to topic. Each batch reads a page from every shard that is ready (open or closed, not yet fully
 * mirrored, and whose parents are fully mirrored, so a key's records reach the topic in the order the
 * stream holds them across splits and merges) and produces it in one Kafka transaction together with the
 * shards' new checkpoints ({@link StreamCheckpoints}). Records: the partition key (UTF-8) as Kafka key, so
 * Kafka's default partitioner keeps per-key order; the data as value; headers {@value #SEQUENCE_HEADER},
 * {@value #SHARD_HEADER} and {@value #ARRIVAL_HEADER} (epoch milliseconds), all decimal or text in UTF-8.
 *
 * <p>Exactly once: a record is in the topic (for read_committed consumers) if and only if the checkpoint
 * after it is, and on every (re)connect the position comes from the checkpoint topic, after
 * initTransactions has aborted whatever a previous instance left open. The transactional id
 * ({@code tributary-mirror-<name>}) is the same on every node, so in a cluster the instance on the stream's
 * new home fences the one on the old: Kafka aborts the old one's open transaction and refuses its next.
 */
final class StreamToTopicMirror extends Mirror {
  static final String SEQUENCE_HEADER = "tributary.sequenceNumber";
  static final String SHARD_HEADER = "tributary.shardId";
  static final String ARRIVAL_HEADER = "tributary.arrivalTimestamp";

  private final int batchRecords;
  private final String checkpointTopic;
  private KafkaWriteStream<byte[], byte[]> producer;
  private String streamUid;
  /** The progress of every shard this mirror knows, as committed to Kafka. */
  private final Map<String, Checkpoint> progress = new LinkedHashMap<>();
  /** Per shard: records between the progress and the shard's tip at the last read, and that tip's age. */
  private final Map<String, long[]> shardLag = new HashMap<>();

  StreamToTopicMirror(Services services, KafkaClientSettings kafka, MirrorDefinition definition) {
    super(services, kafka, definition);
    this.batchRecords = services.settings().integer("mirror.batch.records");
    this.checkpointTopic = StreamCheckpoints.topic(kafka, definition.name());
  }

  @Override
  protected Future<Void> connect() {
    StreamDescriptor stream = currentStream();
    int partitions = definition.partitions() > 0 ? definition.partitions() : stream.openShardCount();
    return KafkaTopics.ensure(vertx, kafkaWorkers, kafka, definition.topic(), partitions, Map.of())
        .compose(v -> KafkaTopics.ensure(vertx, kafkaWorkers, kafka, checkpointTopic, 1, StreamCheckpoints.TOPIC_CONFIG))
        .compose(v -> kafkaWorkers.executeBlocking(() -> new KafkaProducer<byte[], byte[]>(
            kafka.transactionalProducer("tributary-mirror-" + definition.name())), false))
        .compose(created -> {
          producer = KafkaWriteStream.create(vertx, created);
          return producer.initTransactions();
        })
        .compose(v -> StreamCheckpoints.read(kafkaWorkers, kafka, checkpointTopic, stream.uid()))
        .compose(kept -> {
          streamUid = stream.uid();
          progress.clear();
          progress.putAll(kept);
          return kept.isEmpty() ? startPositions(stream) : Future.succeededFuture();
        });
  }

  /**
   * A mirror's first start on this stream: where each shard starts, committed as the first checkpoints
   * so that a restart does not move a LATEST or AT_TIMESTAMP start.
   */
  private Future<Void> startPositions(StreamDescriptor stream) {
    List<Future<Void>> located = new ArrayList<>();
    Map<String, Checkpoint> start = new LinkedHashMap<>();
    for (ShardDescriptor shard : stream.shards()) {
      MirrorDefinition.StartPosition position = definition.startPosition();
      boolean skipped = !shard.isOpen() && (position == MirrorDefinition.StartPosition.LATEST
          || position == MirrorDefinition.StartPosition.AT_TIMESTAMP && shard.closedMillis() < definition.startTimestamp());
      if (skipped) {
        start.put(shard.shardId(), new Checkpoint(0, true));
        continue;
      }
      Position where = Position.valueOf(position.name());
      located.add(services.shards().locate(stream, shard, where, definition.startTimestamp())
          .map(offset -> {
            start.put(shard.shardId(), new Checkpoint(offset, false));
            return null;
          }));
    }
    return Future.all(located).compose(v -> {
      List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
      start.forEach((shardId, checkpoint) -> records.add(StreamCheckpoints.record(checkpointTopic, stream.uid(), shardId, checkpoint)));
      return transaction(records);
    }).map(v -> {
      progress.putAll(start);
      return null;
    });
  }

  @Override
  protected Future<Boolean> mirrorBatch() {
    StreamDescriptor stream = currentStream();
    if (!stream.uid().equals(streamUid)) throw new IllegalStateException("stream " + stream.name() + " was re-created");
    List<ShardDescriptor> ready = readyShards(stream);
    if (ready.isEmpty()) {
      updateLag();
      return Future.succeededFuture(false);
    }
    int perShard = Math.max(100, batchRecords / ready.size());
    List<Future<ShardPage>> pages = new ArrayList<>(ready.size());
    for (ShardDescriptor shard : ready) {
      Checkpoint at = progress.get(shard.shardId());
      Future<Long> from = at != null ? Future.succeededFuture(at.next())
          : services.shards().locate(stream, shard, Position.TRIM_HORIZON, 0);
      pages.add(from.compose(offset -> services.shards().read(stream, shard, offset, perShard, 8L * 1024 * 1024 / ready.size())));
    }
    return Future.all(pages).compose(all -> produce(stream, ready, pages));
  }

  /** Shards not yet fully mirrored whose parents (if still known) are. */
  private List<ShardDescriptor> readyShards(StreamDescriptor stream) {
    List<ShardDescriptor> ready = new ArrayList<>();
    for (ShardDescriptor shard : stream.shards()) {
      Checkpoint checkpoint = progress.get(shard.shardId());
      if (checkpoint != null && checkpoint.done()) continue;
      if (finished(stream, shard.parentShardId()) && finished(stream, shard.adjacentParentShardId())) ready.add(shard);
    }
    return ready;
  }

  private boolean finished(StreamDescriptor stream, String shardId) {
    if (shardId == null || stream.shard(shardId) == null) return true;  // no parent, or expired with its records
    Checkpoint checkpoint = progress.get(shardId);
    return checkpoint != null && checkpoint.done();
  }

  private Future<Boolean> produce(StreamDescriptor stream, List<ShardDescriptor> shards, List<Future<ShardPage>> pages) {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    Map<String, Checkpoint> advanced = new LinkedHashMap<>();
    long bytes = 0;
    long now = services.clock().millis();
    for (int i = 0; i < shards.size(); i++) {
      ShardDescriptor shard = shards.get(i);
      ShardPage page = pages.get(i).result();
      for (ShardRecord stored : page.records()) {
        records.add(toKafka(shard, stored));
        bytes += stored.size();
      }
      // The registry marks a shard closed only after its last append is acknowledged, so its end is final.
      boolean done = !shard.isOpen() && page.nextOffset() >= page.endOffset();
      Checkpoint before = progress.get(shard.shardId());
      if (before == null || page.nextOffset() != before.next() || done) {
        advanced.put(shard.shardId(), new Checkpoint(page.nextOffset(), done));
      }
      long age = page.nextArrivalMillis() < 0 ? 0 : Math.max(0, now - page.nextArrivalMillis());
      shardLag.put(shard.shardId(), new long[] {page.endOffset() - page.nextOffset(), age});
    }
    if (advanced.isEmpty()) {
      updateLag();
      return Future.succeededFuture(false);
    }
    int count = records.size();
    long size = bytes;
    advanced.forEach((shardId, checkpoint) -> records.add(StreamCheckpoints.record(checkpointTopic, stream.uid(), shardId, checkpoint)));
    return transaction(records).map(v -> {
      progress.putAll(advanced);
      metrics.mirrored(count, size);
      updateLag();
      return true;
    });
  }

  private ProducerRecord<byte[], byte[]> toKafka(ShardDescriptor shard, ShardRecord stored) {
    List<Header> headers = List.of(
        new RecordHeader(SEQUENCE_HEADER, shard.sequenceNumber(stored.offset(), stored.arrivalMillis()).getBytes(StandardCharsets.UTF_8)),
        new RecordHeader(SHARD_HEADER, shard.shardId().getBytes(StandardCharsets.UTF_8)),
        new RecordHeader(ARRIVAL_HEADER, Long.toString(stored.arrivalMillis()).getBytes(StandardCharsets.UTF_8)));
    byte[] key = stored.partitionKey().getBytes(StandardCharsets.UTF_8);
    return new ProducerRecord<>(definition.topic(), null, null, key, stored.data(), headers);
  }

  /**
   * Sends the records in one transaction. The producer runs every call on one worker, in order, so the
   * sends are queued behind beginTransaction without waiting for it; a failed send fails the commit.
   */
  private Future<Void> transaction(List<ProducerRecord<byte[], byte[]>> records) {
    Future<Void> begun = producer.beginTransaction();
    List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
    for (ProducerRecord<byte[], byte[]> record : records) sent.add(producer.send(record));
    return begun.compose(v -> Future.all(sent)).compose(v -> producer.commitTransaction());
  }

  private void updateLag() {
    long records = 0;
    long millis = 0;
    for (Map.Entry<String, long[]> entry : shardLag.entrySet()) {
      Checkpoint checkpoint = progress.get(entry.getKey());
      if (checkpoint != null && checkpoint.done()) continue;
      records += entry.getValue()[0];
      millis = Math.max(millis, entry.getValue()[1]);
    }
    metrics.lag(records, millis);
  }

  @Override
  protected Future<Void> disconnect() {
    if (producer == null) return Future.succeededFuture();
    KafkaWriteStream<byte[], byte[]> closing = producer;
    producer = null;
    return closing.close(1_000).otherwiseEmpty();
  }

  @Override
  protected JsonObject positions() {
    JsonObject shards = new JsonObject();
    progress.forEach((shardId, checkpoint) -> shards.put(shardId,
        new JsonObject().put("nextOffset", checkpoint.next()).put("done", checkpoint.done())));
    return shards;
  }
}
