package io.tributary.bridge;

import io.tributary.DurableJsonFile;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The durable progress of a topic-to-stream mirror, kept in Kafka so that whichever node of a cluster runs
 * the mirror next finds it: the latest record of key {@value #KEY} in the mirror's compacted checkpoint topic
 * ({@code <kafka.checkpoint.topic.prefix><mirror>}, one partition), written in a transaction of the mirror's
 * transactional producer before every batch is appended. The transactional id is the mirror's on every node,
 * so an instance that starts elsewhere fences the one before it, which can then begin no further batch.
 * Its value, JSON:
 *
 * <pre>
 * {"streamUid": "...",
 *  "generation": n,   the instance that wrote it: each takes the next when it connects (absent: 0)
 *  "settled":  {"<partition>": <next offset>, ...},   every record before is in the stream, once
 *  "inFlight": {"next": {"<partition>": <offset>, ...},   the batch being appended ends before these
 *               "tips": {"<shard id>": <end offset>, ...}}   where each open shard ended before it}
 * </pre>
 *
 * {@code inFlight} is absent when no batch is uncertain. After a crash, the records of the uncertain batch
 * ({@code settled} up to {@code next}, read again from Kafka) are looked for in the shards after the tips,
 * and only those not found are appended.
 *
 * <p>The generation fences the stream's shards ({@link io.tributary.shard.ShardWriter}): an instance appends as
 * its generation, and one that finds a batch uncertain fences every open shard with its own before it looks
 * for the batch, so that the instance before it, if only paused or cut off in the middle of that batch,
 * appends nothing more of it.
 *
 * <p>Servers before this kept the journal in {@code <data dir>/mirrors/<mirror>.journal.json} (same content);
 * while Kafka holds none, that file is read once, written to Kafka and removed.
 */
record TopicJournal(String streamUid, long generation, Map<Integer, Long> settled, Map<Integer, Long> inFlightNext,
    Map<String, Long> tips) {

  static TopicJournal empty(String streamUid) {
    return new TopicJournal(streamUid, 0, Map.of(), null, null);
  }

  boolean uncertain() { return inFlightNext != null; }

  /** The journal as the next instance writes it when it connects. */
  TopicJournal nextGeneration() {
    return new TopicJournal(streamUid, generation + 1, settled, inFlightNext, tips);
  }

  TopicJournal inFlight(Map<Integer, Long> next, Map<String, Long> shardTips) {
    return new TopicJournal(streamUid, generation, settled, Map.copyOf(next), Map.copyOf(shardTips));
  }

  TopicJournal settle(Map<Integer, Long> next) {
    Map<Integer, Long> merged = new HashMap<>(settled);
    merged.putAll(next);
    return new TopicJournal(streamUid, generation, Map.copyOf(merged), null, null);
  }

  static final String KEY = "journal";

  static ProducerRecord<byte[], byte[]> record(String topic, TopicJournal journal) {
    return new ProducerRecord<>(topic, 0, KEY.getBytes(StandardCharsets.UTF_8),
        journal.toJson().encode().getBytes(StandardCharsets.UTF_8));
  }

  /** The file of servers before this one, in the mirrors directory. */
  static DurableJsonFile file(Path mirrorsDir, String mirror) {
    return new DurableJsonFile(mirrorsDir.resolve(mirror + ".journal.json"));
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject().put("streamUid", streamUid).put("generation", generation)
        .put("settled", partitions(settled));
    if (inFlightNext != null) {
      JsonObject shardTips = new JsonObject();
      tips.forEach(shardTips::put);
      json.put("inFlight", new JsonObject().put("next", partitions(inFlightNext)).put("tips", shardTips));
    }
    return json;
  }

  static TopicJournal fromJson(JsonObject json) {
    JsonObject inFlight = json.getJsonObject("inFlight");
    Map<String, Long> tips = null;
    if (inFlight != null) {
      tips = new HashMap<>();
      for (String shardId : inFlight.getJsonObject("tips").fieldNames()) tips.put(shardId, inFlight.getJsonObject("tips").getLong(shardId));
    }
    return new TopicJournal(json.getString("streamUid"), json.getLong("generation", 0L), partitions(json.getJsonObject("settled")),
        inFlight == null ? null : partitions(inFlight.getJsonObject("next")), tips);
  }

  private static JsonObject partitions(Map<Integer, Long> offsets) {
    JsonObject json = new JsonObject();
    offsets.forEach((partition, offset) -> json.put(String.valueOf(partition), offset));
    return json;
  }

  private static Map<Integer, Long> partitions(JsonObject json) {
    Map<Integer, Long> offsets = new HashMap<>();
    for (String partition : json.fieldNames()) offsets.put(Integer.parseInt(partition), json.getLong(partition));
    return offsets;
  }
}
