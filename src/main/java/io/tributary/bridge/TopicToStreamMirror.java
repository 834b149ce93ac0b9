package io.tributary.bridge;

import io.tributary.DurableJsonFile;
import io.tributary.Services;
import io.tributary.shard.ShardRecord;
import io.tributary.shard.ShardWriter;
import io.tributary.shard.RecordAppender;
import io.tributary.shard.RecordAppender.Outgoing;
import io.tributary.shard.ShardRequest.Position;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaReadStream;
import io.vertx.kafka.client.producer.KafkaWriteStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Topic to stream. A consumer of the mirror's group, assigned every partition of the topic (one writer per
 * mirror, which the journal needs), reads committed records; each poll becomes one batch appended through
 * the same path as PutRecords ({@link RecordAppender}: routed by MD5 of the partition key, re-routed across
 * a reshard), with the Kafka key as partition key and the value as data.
 *
 * <p>Exactly once: before a batch is appended, {@link TopicJournal} records durably, in Kafka, where it ends
 * in each partition and where each shard ended. After a crash or any failure the mirror reconnects (on this
 * node, or in a cluster on whichever node is the stream's home by then), reads the uncertain batch again from
 * Kafka, finds which of its records the shards already hold after those ends (per partition key, in order:
 * one shard's part of a batch lands whole or not at all), and appends only the rest. The journal, not the
 * group's committed offsets, is the position; the offsets are committed to the group too, after each batch,
 * for tools that show a group's lag.
 */
final class TopicToStreamMirror extends Mirror {
  private static final Logger LOG = LoggerFactory.getLogger(TopicToStreamMirror.class);
  private static final int MAX_PARTITION_KEY_LENGTH = 256;
  private static final long LAG_CHECK_MILLIS = 1_000;
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

  /** Where servers before this kept the journal; read once while Kafka holds none. Null without a data dir. */
  private final DurableJsonFile legacyFile;
  private final String journalTopic;
  /** Writes the journal, in transactions of the mirror's transactional id. */
  private KafkaWriteStream<byte[], byte[]> producer;
  private KafkaReadStream<byte[], byte[]> consumer;
  private Set<TopicPartition> partitions = Set.of();
  private TopicJournal journal;
  /** The group's committed offsets at connect, by partition: where a partition the journal lacks starts. */
  private Map<Integer, Long> committed = Map.of();
  /** Whether the journal in Kafka still names as uncertain a batch that has since been appended. */
  private boolean journalBehind;
  private long lastLagCheck;
  private long newestMirroredTimestamp = -1;
  private long skipped;

  TopicToStreamMirror(Services services, KafkaClientSettings kafka, MirrorDefinition definition, Path mirrorsDir) {
    super(services, kafka, definition);
    this.legacyFile = mirrorsDir == null ? null : TopicJournal.file(mirrorsDir, definition.name());
    this.journalTopic = StreamCheckpoints.topic(kafka, definition.name());
  }

  @Override
  protected Future<Void> connect() {
    StreamDescriptor stream = currentStream();
    return KafkaTopics.ensure(vertx, kafkaWorkers, kafka, journalTopic, 1, StreamCheckpoints.TOPIC_CONFIG)
        .compose(v -> kafkaWorkers.executeBlocking(() -> new KafkaProducer<byte[], byte[]>(
            kafka.transactionalProducer("tributary-mirror-" + definition.name())), false))
        .compose(created -> {
          producer = KafkaWriteStream.create(vertx, created);
          // Fences every earlier instance, here or on another node: none of them writes the journal again.
          return producer.initTransactions();
        })
        // This instance's generation, taken in Kafka, where no instance before this one writes any more.
        .compose(v -> loadJournal(stream)).compose(loaded -> writeJournal(loaded.nextGeneration())).compose(written -> {
      return kafkaWorkers.executeBlocking(() -> new KafkaConsumer<byte[], byte[]>(kafka.consumer(definition.consumerGroup())), false);
    }).compose(created -> {
      consumer = KafkaReadStream.create(vertx, created);
      return consumer.partitionsFor(definition.topic());
    }).compose(infos -> {
      if (infos == null || infos.isEmpty()) {
        return Future.failedFuture(new IllegalStateException("topic " + definition.topic() + " does not exist"));
      }
      partitions = infos.stream().map(info -> new TopicPartition(info.topic(), info.partition())).collect(Collectors.toSet());
      return consumer.assign(partitions);
    }).compose(v -> {
      return groupOffsets();
    }).compose(offsets -> {
      committed = offsets;
      return journal.uncertain() ? afterElections().compose(v -> fenceShards(stream)).compose(v -> reconcile(stream))
          : Future.succeededFuture();
    }).compose(v -> seekToSettled());
  }

  /** The journal as Kafka holds it; else the file of an earlier server, moved to Kafka; else an empty one. */
  private Future<TopicJournal> loadJournal(StreamDescriptor stream) {
    return StreamCheckpoints.latest(kafkaWorkers, kafka, journalTopic, TopicJournal.KEY).compose(values -> {
      JsonObject kept = values.get(TopicJournal.KEY);
      if (kept != null) return Future.succeededFuture(forStream(TopicJournal.fromJson(kept), stream));
      if (legacyFile == null) return Future.succeededFuture(TopicJournal.empty(stream.uid()));
      return kafkaWorkers.executeBlocking(legacyFile::read, false).compose(json -> {
        if (json == null) return Future.succeededFuture(TopicJournal.empty(stream.uid()));
        TopicJournal moved = forStream(TopicJournal.fromJson(json), stream);
        LOG.info("mirror {}: moving its journal from {} to Kafka", definition.name(), legacyFile);
        return writeJournal(moved).compose(written -> kafkaWorkers.executeBlocking(() -> {
          legacyFile.delete();
          return moved;
        }, false));
      });
    });
  }

  /** A re-created stream cannot hold the uncertain batch; the settled positions still say what was read. */
  private static TopicJournal forStream(TopicJournal kept, StreamDescriptor stream) {
    return kept.streamUid().equals(stream.uid()) ? kept
        : new TopicJournal(stream.uid(), kept.generation(), kept.settled(), null, null);
  }

  /** Every partition to its settled offset, else the group's committed offset, else the beginning. */
  private Future<Void> seekToSettled() {
    List<Future<Void>> seeks = new ArrayList<>();
    for (TopicPartition partition : partitions) {
      Long settled = journal.settled().get(partition.partition());
      seeks.add(seekTo(partition, settled));
    }
    return Future.all(seeks).mapEmpty();
  }

  /** To the offset if known, else to the group's committed offset, else to the beginning. */
  private Future<Void> seekTo(TopicPartition partition, Long offset) {
    if (offset == null) offset = committed.get(partition.partition());
    return offset != null ? consumer.seek(partition, offset) : consumer.seekToBeginning(Set.of(partition));
  }

  /**
   * The offsets the group committed, through the admin client on a worker (the Vert.x consumer's own
   * committed() calls a method that kafka-clients 4 no longer has).
   */
  private Future<Map<Integer, Long>> groupOffsets() {
    Map<String, Object> config = kafka.common();
    String group = definition.consumerGroup();
    return kafkaWorkers.executeBlocking(() -> {
      try (AdminClient admin = AdminClient.create(config)) {
        Map<Integer, Long> offsets = new HashMap<>();
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS)
            .forEach((partition, offset) -> {
              if (partition.topic().equals(definition.topic()) && offset != null) offsets.put(partition.partition(), offset.offset());
            });
        return offsets;
      }
    }, false);
  }

  /**
   * In a cluster, an uncertain batch may be the one a crashed node was appending: entries of it may sit in the
   * Raft logs of shard groups that have not elected their next leader yet, which commits them as it takes
   * over. So the scan waits one {@code cluster.failover.timeout.ms}, by which the groups the crash left
   * leaderless have elected, for what they commit to be here before it looks.
   */
  private Future<Void> afterElections() {
    if (services.clusterShards() == null) return Future.succeededFuture();
    long millis = services.settings().longValue("cluster.failover.timeout.ms");
    LOG.info("mirror {}: an uncertain batch; looking for it in the stream in {} ms", definition.name(), millis);
    return Future.future(p -> vertx.setTimer(millis, t -> p.complete()));
  }

  /**
   * Fences every open shard with this instance's generation: the instance before, which may have been paused
   * or cut off rather than crashed in the middle of the uncertain batch, appends nothing of it after this, so
   * what the stream holds of the batch once this completes is all it will ever hold of it.
   */
  private Future<Void> fenceShards(StreamDescriptor stream) {
    List<Future<Void>> fenced = new ArrayList<>();
    for (ShardDescriptor shard : stream.openShards()) fenced.add(services.shards().fence(stream, shard, writer()));
    return Future.all(fenced).mapEmpty();
  }

  /** The writer this instance appends as: the mirror, at the journal's generation. */
  private ShardWriter writer() {
    return new ShardWriter("mirror/" + definition.name(), journal.generation());
  }

  /** Settles the batch a crash or failure left uncertain: appends what the shards do not hold yet. */
  private Future<Void> reconcile(StreamDescriptor stream) {
    Map<Integer, Long> from = journal.settled();
    Map<Integer, Long> to = journal.inFlightNext();
    return readBatchAgain(from, to)
        .compose(batch -> UncertainBatch.notInStream(services, stream, batch, journal.tips()).compose(missing -> {
          LOG.info("mirror {}: uncertain batch of {} records, {} already in the stream, appending {}",
              definition.name(), batch.size(), batch.size() - missing.size(), missing.size());
          return append(stream, missing).onSuccess(v -> metrics.mirrored(missing.size(), size(missing)));
        }))
        .compose(v -> writeJournal(journal.settle(to))).mapEmpty();
  }

  /** The records of partitions from {@code from} (inclusive) to {@code to} (exclusive), as they were mirrored. */
  private Future<List<Outgoing>> readBatchAgain(Map<Integer, Long> from, Map<Integer, Long> to) {
    Map<Integer, List<ConsumerRecord<byte[], byte[]>>> read = new TreeMap<>();
    List<Future<Void>> seeks = new ArrayList<>();
    for (TopicPartition partition : partitions) {
      Long start = from.get(partition.partition());
      Long end = to.get(partition.partition());
      if (end == null) {
        seeks.add(consumer.pause(Set.of(partition)));
        continue;
      }
      read.put(partition.partition(), new ArrayList<>());
      seeks.add(seekTo(partition, start));
    }
    long deadline = System.currentTimeMillis() + 30_000;
    return Future.all(seeks).compose(v -> pollUntil(read, to, deadline)).compose(v -> consumer.resume(partitions)).map(v -> {
      StreamDescriptor stream = currentStream();
      List<Outgoing> batch = new ArrayList<>();
      for (List<ConsumerRecord<byte[], byte[]>> records : read.values()) {
        for (ConsumerRecord<byte[], byte[]> record : records) {
          Outgoing outgoing = toStream(stream, record);
          if (outgoing != null) batch.add(outgoing);
        }
      }
      return batch;
    });
  }

  private Future<Void> pollUntil(Map<Integer, List<ConsumerRecord<byte[], byte[]>>> read, Map<Integer, Long> to, long deadline) {
    List<Future<Long>> positions = new ArrayList<>();
    for (Integer partition : read.keySet()) positions.add(consumer.position(new TopicPartition(definition.topic(), partition)));
    return Future.all(positions).compose(all -> {
      boolean complete = true;
      int i = 0;
      for (Integer partition : read.keySet()) {
        if (positions.get(i++).result() < to.get(partition)) complete = false;
      }
      if (complete) return Future.succeededFuture();
      if (System.currentTimeMillis() > deadline) {
        return Future.failedFuture(new IllegalStateException("cannot read the uncertain batch again from " + definition.topic()));
      }
      return consumer.poll(POLL_TIMEOUT).compose(records -> {
        for (ConsumerRecord<byte[], byte[]> record : records) {
          List<ConsumerRecord<byte[], byte[]>> list = read.get(record.partition());
          if (list != null && record.offset() < to.get(record.partition())) list.add(record);
        }
        return pollUntil(read, to, deadline);
      });
    });
  }

  @Override
  protected Future<Boolean> mirrorBatch() {
    long now = System.currentTimeMillis();
    if (now - lastLagCheck >= LAG_CHECK_MILLIS) {
      lastLagCheck = now;
      return updateLag().compose(v -> mirrorBatch());
    }
    return consumer.poll(POLL_TIMEOUT).compose(records -> {
      if (records.isEmpty()) {
        return journalBehind ? writeJournal(journal).map(false) : Future.succeededFuture(false);
      }
      return mirror(records).map(true);
    });
  }

  private Future<Void> mirror(ConsumerRecords<byte[], byte[]> records) {
    StreamDescriptor stream = currentStream();
    List<Outgoing> batch = new ArrayList<>(records.count());
    Map<Integer, Long> next = new HashMap<>();
    long newest = -1;
    for (ConsumerRecord<byte[], byte[]> record : records) {
      next.put(record.partition(), record.offset() + 1);
      Outgoing outgoing = toStream(stream, record);
      if (outgoing == null) continue;
      batch.add(outgoing);
      newest = Math.max(newest, record.timestamp());
    }
    long newestTimestamp = newest;
    return shardTips(stream)
        .compose(tips -> writeJournal(journal.inFlight(next, tips)))
        .compose(v -> append(stream, batch))
        .map(v -> {
          journal = journal.settle(next);
          journalBehind = true;
          metrics.mirrored(batch.size(), size(batch));
          if (newestTimestamp >= 0) newestMirroredTimestamp = newestTimestamp;
          Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
          next.forEach((partition, offset) -> offsets.put(new TopicPartition(definition.topic(), partition), new OffsetAndMetadata(offset)));
          consumer.commit(offsets);  // informative only: the journal is the position
          return null;
        });
  }

  /** A Kafka record as a record to put, or null (counted as an error) when the stream cannot take it. */
  private Outgoing toStream(StreamDescriptor stream, ConsumerRecord<byte[], byte[]> record) {
    byte[] data = record.value() == null ? new byte[0] : record.value();
    if (data.length > stream.maxRecordSizeKiB() * 1024) {
      skipped++;
      metrics.error();
      LOG.warn("mirror {}: record at offset {} of partition {} has {} bytes, more than the stream's maximum record size;"
          + " not mirrored", definition.name(), record.offset(), record.partition(), data.length);
      return null;
    }
    return new Outgoing(partitionKey(record.key()), null, data);
  }

  /** The Kafka key as partition key: the configured one for a null or empty key, MD5 (hex) of one too long. */
  private String partitionKey(byte[] key) {
    if (key == null || key.length == 0) return definition.nullKeyPartitionKey();
    String text = new String(key, StandardCharsets.UTF_8);
    if (text.length() <= MAX_PARTITION_KEY_LENGTH) return text;
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(key));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Bytes of data and partition keys, as the metrics count them. */
  private static long size(List<Outgoing> records) {
    long bytes = 0;
    for (Outgoing record : records) bytes += ShardRecord.sizeOf(record.partitionKey(), record.data().length);
    return bytes;
  }

  /** Where each open shard ends now: the records of the next batch go after these. */
  private Future<Map<String, Long>> shardTips(StreamDescriptor stream) {
    Map<String, Long> tips = new HashMap<>();
    List<Future<Long>> located = new ArrayList<>();
    for (ShardDescriptor shard : stream.openShards()) {
      located.add(services.shards().locate(stream, shard, Position.LATEST, 0)
          .onSuccess(offset -> tips.put(shard.shardId(), offset)));
    }
    return Future.all(located).map(v -> Map.copyOf(tips));
  }

  /** Appends the records in order; any record the stream did not take fails the batch (reconciled on retry). */
  private Future<Void> append(StreamDescriptor stream, List<Outgoing> records) {
    if (records.isEmpty()) return Future.succeededFuture();
    return services.appender().append(stream, records, writer()).compose(placed -> placed.failedCount() == 0
        ? Future.succeededFuture()
        : Future.failedFuture(new IllegalStateException(placed.failedCount() + " records not taken by " + stream.name())));
  }

  /**
   * Writes the journal to Kafka in a transaction of its own; fails (and the mirror stands by, see
   * {@link Mirror#fenced}) once another instance has taken over. The producer runs its calls in order on one
   * worker, so the send queues behind beginTransaction.
   */
  private Future<Boolean> writeJournal(TopicJournal next) {
    journal = next;
    journalBehind = false;
    Future<Void> begun = producer.beginTransaction();
    Future<RecordMetadata> sent = producer.send(TopicJournal.record(journalTopic, next));
    return begun.compose(v -> sent).compose(v -> producer.commitTransaction()).map(true);
  }

  private Future<Void> updateLag() {
    return consumer.endOffsets(partitions).map(ends -> {
      long records = 0;
      for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
        long settled = journal.settled().getOrDefault(end.getKey().partition(), 0L);
        records += Math.max(0, end.getValue() - settled);
      }
      long millis = records > 0 && newestMirroredTimestamp > 0
          ? Math.max(0, services.clock().millis() - newestMirroredTimestamp) : 0;
      metrics.lag(records, millis);
      return null;
    });
  }

  @Override
  protected Future<Void> disconnect() {
    KafkaReadStream<byte[], byte[]> closingConsumer = consumer;
    KafkaWriteStream<byte[], byte[]> closingProducer = producer;
    consumer = null;
    producer = null;
    return Future.join(closingConsumer == null ? Future.succeededFuture() : closingConsumer.close().otherwiseEmpty(),
        closingProducer == null ? Future.succeededFuture() : closingProducer.close(1_000).otherwiseEmpty()).mapEmpty();
  }

  @Override
  protected JsonObject positions() {
    JsonObject json = new JsonObject();
    if (journal != null) new TreeMap<>(journal.settled()).forEach((partition, offset) -> json.put(String.valueOf(partition), offset));
    return new JsonObject().put("settledOffsets", json).put("skippedRecords", skipped);
  }
}
