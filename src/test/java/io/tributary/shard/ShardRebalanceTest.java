package io.tributary.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.shard.ShardOwnership.MovePhase;
import io.tributary.shard.ShardOwnership.ShardMove;
import io.tributary.stream.HashKeyRange;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamCatalog;
import io.tributary.stream.StreamDescriptor;
import io.tributary.stream.StreamKey;
import io.tributary.stream.StreamStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShardRebalanceTest {
  private static final List<String> THREE = List.of("n1:5701", "n2:5701", "n3:5701");

  private static StreamDescriptor stream(String name, int shards) {
    List<HashKeyRange> ranges = HashKeyRange.split(shards);
    List<ShardDescriptor> list = new ArrayList<>();
    for (int i = 0; i < shards; i++) list.add(ShardDescriptor.open(i, ranges.get(i), null, null, 0));
    return StreamDescriptor.builder(new StreamKey("000000000000", "us-east-1", name), name + "-uid").shards(list)
        .status(StreamStatus.ACTIVE).build();
  }

  private static StreamCatalog.Contents catalog(StreamDescriptor... streams) {
    return new StreamCatalog.Contents(List.of(streams), List.of(), List.of());
  }

  private static List<String> addresses(StreamDescriptor stream) {
    return stream.shards().stream().map(shard -> ShardAddress.of(stream.uid(), shard.shardId())).toList();
  }

  /** Shards per node once every planned move is done. */
  private static Map<String, Integer> countsAfterMoves(ShardOwnership ownership, StreamDescriptor stream) {
    ShardOwnership done = ownership;
    for (Map.Entry<String, ShardMove> move : ownership.moves().entrySet()) {
      done = done.moved(move.getKey(), move.getValue().to());
    }
    Map<String, Integer> counts = new HashMap<>();
    for (String address : addresses(stream)) counts.merge(done.ownerOf(address), 1, Integer::sum);
    return counts;
  }

  @Test
  void aJoiningNodeTakesItsShareFromTheOthersAndNothingElseMoves() {
    StreamDescriptor stream = stream("grow", 12);
    ShardOwnership three = new ShardOwnership(THREE, Map.of(), Map.of(), 1);
    ShardOwnership four = ShardRebalance.join(catalog(stream), three, "n4:5701");

    assertEquals(List.of("n1:5701", "n2:5701", "n3:5701", "n4:5701"), four.nodes());
    assertEquals(3, four.moves().size(), "12 shards over 4 nodes: the new one takes 3 " + four.moves());
    for (ShardMove move : four.moves().values()) {
      assertEquals("n4:5701", move.to());
      assertEquals(MovePhase.COPY, move.phase());
    }
    for (String address : addresses(stream)) {
      assertEquals(three.ownerOf(address), four.ownerOf(address), "no owner changes before its move is done");
    }
    assertEquals(Map.of("n1:5701", 3, "n2:5701", 3, "n3:5701", 3, "n4:5701", 3), countsAfterMoves(four, stream));
    assertTrue(ShardRebalance.join(catalog(stream), four, "n4:5701").sameAs(four), "joining twice changes nothing");
  }

  @Test
  void aLeavingNodesShardsAllGoAndSpreadEvenly() {
    StreamDescriptor stream = stream("shrink", 12);
    ShardOwnership three = new ShardOwnership(THREE, Map.of(), Map.of(), 1);
    ShardOwnership two = ShardRebalance.leave(catalog(stream), three, "n3:5701");

    assertEquals(List.of("n1:5701", "n2:5701"), two.nodes());
    assertEquals(4, two.moves().size());
    for (Map.Entry<String, ShardMove> move : two.moves().entrySet()) {
      assertEquals("n3:5701", move.getValue().from());
      assertEquals("n3:5701", three.ownerOf(move.getKey()));
    }
    assertEquals(Map.of("n1:5701", 6, "n2:5701", 6), countsAfterMoves(two, stream));
    assertThrows(IllegalArgumentException.class, () -> ShardRebalance.leave(catalog(stream),
        new ShardOwnership(List.of("n1:5701"), Map.of(), Map.of(), 1), "n1:5701"));
  }

  @Test
  void anEvenStreamStaysPutAndUnevenOnesEvenOut() {
    StreamDescriptor even = stream("even", 7);
    StreamDescriptor crowded = stream("crowded", 6);
    Map<String, String> allOnOne = new HashMap<>();
    for (String address : addresses(crowded)) allOnOne.put(address, "n1:5701");
    ShardOwnership ownership = new ShardOwnership(THREE, allOnOne, Map.of(), 1);
    ShardOwnership planned = ShardRebalance.plan(catalog(even, crowded), ownership);

    for (String address : addresses(even)) assertTrue(!planned.moves().containsKey(address), address);
    assertEquals(4, planned.moves().size(), "two shards to each of the two empty nodes");
    assertEquals(Map.of("n1:5701", 2, "n2:5701", 2, "n3:5701", 2), countsAfterMoves(planned, crowded));
    Map<String, Integer> evenCounts = countsAfterMoves(planned, even);
    assertEquals(7, evenCounts.values().stream().mapToInt(Integer::intValue).sum());
    assertTrue(evenCounts.values().stream().allMatch(count -> count == 2 || count == 3), evenCounts.toString());
  }

  @Test
  void aMoveToANodeThatLeftIsCalledOff() {
    StreamDescriptor stream = stream("calledoff", 3);
    String address = addresses(stream).get(0);
    ShardOwnership ownership = new ShardOwnership(THREE, Map.of(), Map.of(), 1);
    String owner = ownership.ownerOf(address);
    ShardOwnership moving = ownership.withMove(address, new ShardMove(owner, "gone:5701", MovePhase.HANDOVER));
    assertTrue(moving.held(address));
    ShardOwnership planned = ShardRebalance.plan(catalog(stream), moving);
    assertTrue(!planned.moves().containsKey(address), "the move is dropped: " + planned.moves());
    assertTrue(!planned.held(address));
    assertEquals(owner, planned.ownerOf(address));
    assertNotEquals(List.of(), planned.allNodes());
  }
}
