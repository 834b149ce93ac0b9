package io.tributary.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ShardOwnersTest {
  private static List<String> addresses(int streams, int shardsEach) {
    List<String> addresses = new ArrayList<>();
    for (int s = 0; s < streams; s++) {
      String uid = new UUID(s * 7919L, s).toString();
      for (int i = 0; i < shardsEach; i++) addresses.add(ShardAddress.of(uid, String.format("shardId-%012d", i)));
    }
    return addresses;
  }

  @Test
  void spreadsShardsEvenlyOverNodes() {
    ShardOwners owners = new ShardOwners(List.of("127.0.0.1:5701", "127.0.0.1:5702", "127.0.0.1:5703"));
    Map<String, List<String>> owned = owners.byOwner(addresses(100, 30));
    assertEquals(3, owned.size());
    for (List<String> shards : owned.values()) {
      assertTrue(Math.abs(shards.size() - 1000) < 100, "each node owns about a third of 3,000 shards: " + shards.size());
    }
  }

  @Test
  void everyNodeComputesTheSameOwnerWhateverTheOrderOfNames() {
    ShardOwners one = new ShardOwners(List.of("a:1", "b:1", "c:1"));
    ShardOwners other = new ShardOwners(List.of("c:1", "a:1", "b:1"));
    for (String address : addresses(10, 12)) assertEquals(one.ownerOf(address), other.ownerOf(address));
  }

  @Test
  void aJoiningNodeTakesOnlyShardsAndTakesItsShare() {
    List<String> shards = addresses(100, 30);
    ShardOwners three = new ShardOwners(List.of("n1:5701", "n2:5701", "n3:5701"));
    ShardOwners four = new ShardOwners(List.of("n1:5701", "n2:5701", "n3:5701", "n4:5701"));
    int moved = 0;
    for (String address : shards) {
      String before = three.ownerOf(address);
      String after = four.ownerOf(address);
      if (!before.equals(after)) {
        assertEquals("n4:5701", after, "a shard moves only to the new node");
        moved++;
      }
    }
    assertTrue(Math.abs(moved - 750) < 90, "about a quarter of the shards move: " + moved);
  }

  @Test
  void aLeavingNodesShardsAreSharedByTheOthersAndNoOtherShardMoves() {
    List<String> shards = addresses(100, 30);
    ShardOwners three = new ShardOwners(List.of("n1:5701", "n2:5701", "n3:5701"));
    ShardOwners two = new ShardOwners(List.of("n1:5701", "n2:5701"));
    int[] taken = new int[2];
    for (String address : shards) {
      String before = three.ownerOf(address);
      String after = two.ownerOf(address);
      if (!before.equals("n3:5701")) assertEquals(before, after, "shards of nodes that stay do not move");
      else taken[after.equals("n1:5701") ? 0 : 1]++;
    }
    assertTrue(Math.abs(taken[0] - taken[1]) < 150, "the leaver's shards are shared: " + taken[0] + " / " + taken[1]);
  }
}
