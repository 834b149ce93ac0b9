package io.tributary.bench;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/** What the producers of a nemesis run were told: every acknowledged record, and every failed attempt by its error. */
final class NemesisLedger {
  /**
   * A record the server acknowledged: its data ({@code id}), the shard and sequence number it was given, the node
   * the put went through, and when the put was sent and answered ({@link System#nanoTime()}).
   */
  record Ack(String id, String shardId, String sequenceNumber, int node, long sentNanos, long ackedNanos) { }

  /**
   * A put call (PutRecord or PutRecords): the node it went through, when it was sent and answered
   * ({@link System#nanoTime()}), and what it got ({@code ok}, or the error).
   */
  record Call(int node, long sentNanos, long endedNanos, String outcome) { }

  private final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
  private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
  private final LongAdder attempts = new LongAdder();

  void attempted(int records) {
    attempts.add(records);
  }

  void acknowledged(Ack ack) {
    acks.add(ack);
  }

  void failed(String error, int records) {
    failures.computeIfAbsent(error, e -> new LongAdder()).add(records);
  }

  void called(Call call) {
    calls.add(call);
  }

  List<Call> calls() {
    return List.copyOf(calls);
  }

  List<Ack> acks() {
    return List.copyOf(acks);
  }

  long attempts() {
    return attempts.sum();
  }

  /** Records whose put failed, by error (sorted by name). */
  Map<String, Long> failures() {
    Map<String, Long> sorted = new TreeMap<>();
    failures.forEach((error, count) -> sorted.put(error, count.sum()));
    return sorted;
  }
}
