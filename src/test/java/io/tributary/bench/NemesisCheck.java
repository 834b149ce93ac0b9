package io.tributary.bench;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * What a nemesis run checks once every node is back: each shard read from TRIM_HORIZON to its tip through every node,
 * held against what the producers were acknowledged.
 *
 * <ul>
 *   <li>lost: acknowledged records missing from some node's read of their shard (or read with another sequence number:
 *       counted as a sequence mismatch too);</li>
 *   <li>duplicated: copies of an id beyond the first in one node's reads of all shards (the most of any node);</li>
 *   <li>order violations: sequence numbers read that do not strictly increase, and acknowledged records read in
 *       another order than their sequence numbers';</li>
 *   <li>disagreements: (node, shard) pairs whose records differ from the first node's;</li>
 *   <li>unacknowledged but present: ids read that no producer was acknowledged (a put whose answer was lost).</li>
 * </ul>
 */
final class NemesisCheck {
  /** A record as read: its data (the id) and sequence number. */
  record Read(String id, String sequenceNumber) { }

  /** The figures; {@code examples} are a few of the violations, for the report. */
  record Findings(long lost, long duplicated, long unacknowledgedPresent, long orderViolations, long sequenceMismatches,
      long disagreements, long recordsRead, List<String> examples) {
    boolean clean() {
      return lost == 0 && duplicated == 0 && orderViolations == 0 && sequenceMismatches == 0 && disagreements == 0;
    }
  }

  private static final int EXAMPLES = 10;
  private static final int READ_ATTEMPTS = 20;

  private NemesisCheck() { }

  /** @param reads per node, per shard id, the records read */
  static Findings check(List<NemesisLedger.Ack> acks, List<Map<String, List<Read>>> reads) {
    List<String> examples = new ArrayList<>();
    Map<String, List<NemesisLedger.Ack>> acksByShard = new HashMap<>();
    for (NemesisLedger.Ack ack : acks) acksByShard.computeIfAbsent(ack.shardId(), s -> new ArrayList<>()).add(ack);
    Set<String> acknowledged = new HashSet<>();
    acks.forEach(ack -> acknowledged.add(ack.id()));

    Set<String> lost = new HashSet<>();
    long mismatches = 0;
    long order = 0;
    long duplicated = 0;
    long disagreements = 0;
    for (int node = 0; node < reads.size(); node++) {
      Map<String, List<Read>> byShard = reads.get(node);
      Map<String, Integer> copies = new HashMap<>();
      for (Map.Entry<String, List<Read>> shard : byShard.entrySet()) {
        List<Read> records = shard.getValue();
        Map<String, Integer> positions = new HashMap<>();
        for (int i = 0; i < records.size(); i++) {
          Read read = records.get(i);
          positions.putIfAbsent(read.id(), i);
          copies.merge(read.id(), 1, Integer::sum);
          if (i > 0 && sequence(records.get(i - 1)).compareTo(sequence(read)) >= 0) {
            order++;
            example(examples, "node %d, %s: sequence number %s read after %s", node, shard.getKey(),
                read.sequenceNumber(), records.get(i - 1).sequenceNumber());
          }
        }
        List<NemesisLedger.Ack> acked = new ArrayList<>(acksByShard.getOrDefault(shard.getKey(), List.of()));
        acked.sort(Comparator.comparing(ack -> new BigInteger(ack.sequenceNumber())));
        int previous = -1;
        for (NemesisLedger.Ack ack : acked) {
          Integer position = positions.get(ack.id());
          if (position == null) {
            if (lost.add(ack.id())) {
              example(examples, "node %d, %s: %s (acknowledged as %s through node %d) is not read", node,
                  shard.getKey(), ack.id(), ack.sequenceNumber(), ack.node());
            }
            continue;
          }
          if (!records.get(position).sequenceNumber().equals(ack.sequenceNumber())) {
            mismatches++;
            example(examples, "node %d, %s: %s acknowledged as %s, read as %s", node, shard.getKey(), ack.id(),
                ack.sequenceNumber(), records.get(position).sequenceNumber());
          }
          if (position < previous) {
            order++;
            example(examples, "node %d, %s: %s read before an acknowledged record with a lower sequence number",
                node, shard.getKey(), ack.id());
          }
          previous = position;
        }
        if (node > 0 && !records.equals(reads.get(0).get(shard.getKey()))) {
          disagreements++;
          List<Read> first = reads.get(0).getOrDefault(shard.getKey(), List.of());
          example(examples, "node %d, %s: %d records read, node 0 read %d; first difference at %d", node,
              shard.getKey(), records.size(), first.size(), firstDifference(records, first));
        }
      }
      // Acknowledged on a shard this node does not list at all.
      for (String shard : acksByShard.keySet()) {
        if (!byShard.containsKey(shard)) {
          for (NemesisLedger.Ack ack : acksByShard.get(shard)) lost.add(ack.id());
          example(examples, "node %d does not list %s", node, shard);
        }
      }
      long extra = copies.values().stream().mapToLong(count -> count - 1).sum();
      if (extra > 0) example(examples, "node %d: %d ids read more than once", node, extra);
      duplicated = Math.max(duplicated, extra);
    }
    Set<String> unacknowledged = new HashSet<>();
    long recordsRead = 0;
    if (!reads.isEmpty()) {
      for (List<Read> records : reads.get(0).values()) {
        recordsRead += records.size();
        for (Read read : records) if (!acknowledged.contains(read.id())) unacknowledged.add(read.id());
      }
    }
    return new Findings(lost.size(), duplicated, unacknowledged.size(), order, mismatches, disagreements, recordsRead,
        examples);
  }

  private static BigInteger sequence(Read read) {
    return new BigInteger(read.sequenceNumber());
  }

  private static int firstDifference(List<Read> a, List<Read> b) {
    int i = 0;
    while (i < a.size() && i < b.size() && a.get(i).equals(b.get(i))) i++;
    return i;
  }

  private static void example(List<String> examples, String format, Object... args) {
    if (examples.size() < EXAMPLES) examples.add(String.format(java.util.Locale.ROOT, format, args));
  }

  /**
   * Every record of the shard from TRIM_HORIZON until a page with no records and MillisBehindLatest 0. A read that
   * fails (a node still catching up, a throttled GetRecords) starts over after a pause, up to {@link #READ_ATTEMPTS}
   * times.
   */
  static List<Read> readAll(KinesisClient client, String stream, String shardId) throws InterruptedException {
    RuntimeException last = null;
    for (int attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
      try {
        List<Read> read = new ArrayList<>();
        String iterator = client.getShardIterator(b -> b.streamName(stream).shardId(shardId)
            .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
        while (true) {
          String from = iterator;
          GetRecordsResponse page = client.getRecords(b -> b.shardIterator(from));
          for (Record record : page.records()) read.add(new Read(record.data().asUtf8String(), record.sequenceNumber()));
          iterator = page.nextShardIterator();
          if (page.records().isEmpty() && page.millisBehindLatest() == 0) return read;
        }
      } catch (RuntimeException failed) {
        last = failed;
        NemesisRun.log("reading %s failed (%s); reading it again", shardId, NemesisProducer.error(failed));
        Thread.sleep(500);
      }
    }
    throw last;
  }
}
