package io.tributary.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ShardOwnersTest {
  private static final List<String> THREE = List.of("n1:5701", "n2:5701", "n3:5701");

  private static List<String> addresses(int streams, int shardsEach) {
    List<String> addresses = new ArrayList<>();
    for (int s = 0; s < streams; s++) {
      String uid = new UUID(s * 7919L, s).toString();
      for (int i = 0; i < shardsEach; i++) addresses.add(ShardAddress.of(uid, String.format("shardId-%012d", i)));
    }
    return addresses;
  }

  @Test
  void everyStreamsShardsSpreadEvenlyOverTheNodes() {
    ShardOwners owners = new ShardOwners(THREE);
    for (int s = 0; s < 1000; s++) {
      String uid = UUID.randomUUID().toString();
      for (int count : new int[] {1, 2, 3, 4, 5, 12}) {
        Map<String, Integer> held = new HashMap<>();
        for (int i = 0; i < count; i++) held.merge(owners.ownerOf(ShardAddress.of(uid, String.format("shardId-%012d", i))), 1, Integer::sum);
        int most = held.values().stream().max(Integer::compare).orElseThrow();
        int least = held.size() < Math.min(count, 3) ? 0 : held.values().stream().min(Integer::compare).orElseThrow();
        assertTrue(most - (count >= 3 ? least : 1) <= 1 && most <= (count + 2) / 3,
            "the first " + count + " shards of a stream differ by at most one per node: " + held);
      }
    }
  }

  @Test
  void aShardsOwnerDoesNotDependOnShardsMadeAfterIt() {
    String uid = UUID.randomUUID().toString();
    ShardOwners askedInOrder = new ShardOwners(THREE);
    ShardOwners askedLastFirst = new ShardOwners(THREE);
    askedLastFirst.ownerOf(ShardAddress.of(uid, "shardId-000000000099"));
    for (int i = 0; i < 100; i++) {
      String address = ShardAddress.of(uid, String.format("shardId-%012d", i));
      assertEquals(askedInOrder.ownerOf(address), askedLastFirst.ownerOf(address));
    }
  }

  @Test
  void everyNodeComputesTheSameOwnerWhateverTheOrderOfNames() {
    ShardOwners one = new ShardOwners(List.of("a:1", "b:1", "c:1"));
    ShardOwners other = new ShardOwners(List.of("c:1", "a:1", "b:1"));
    for (String address : addresses(10, 12)) assertEquals(one.ownerOf(address), other.ownerOf(address));
  }

  @Test
  void aJoiningNodeTakesItsShareAndMostMovesGoToIt() {
    List<String> shards = addresses(100, 30);
    ShardOwners three = new ShardOwners(THREE);
    ShardOwners four = new ShardOwners(List.of("n1:5701", "n2:5701", "n3:5701", "n4:5701"));
    int moved = 0;
    int toNew = 0;
    for (String address : shards) {
      String after = four.ownerOf(address);
      if (!three.ownerOf(address).equals(after)) {
        moved++;
        if (after.equals("n4:5701")) toNew++;
      }
    }
    assertTrue(toNew >= 700 && toNew <= 800, "the new node takes 7 or 8 of each stream's 30: " + toNew);
    // Even spread costs moves: about half the shards change owner (a quarter with plain rendezvous hashing,
    // which leaves some streams unevenly spread). Moves are to follow ownership kept in the metadata.
    assertTrue(moved < 3000 * 0.6, "not everything moves: " + moved + " moved in all");
  }

  @Test
  void aLeavingNodesShardsAreShared() {
    List<String> shards = addresses(100, 30);
    ShardOwners three = new ShardOwners(THREE);
    ShardOwners two = new ShardOwners(List.of("n1:5701", "n2:5701"));
    int moved = 0;
    for (String address : shards) if (!three.ownerOf(address).equals(two.ownerOf(address))) moved++;
    assertTrue(moved < 3000 * 0.7, "not everything moves: " + moved);
  }

  @Test
  void anAddressOutsideTheShardFormIsStillPlaced() {
    ShardOwners owners = new ShardOwners(THREE);
    assertTrue(THREE.contains(owners.ownerOf("tributary.shard.some-uid.not-a-shard-id")));
    assertTrue(THREE.contains(owners.ownerOf("elsewhere")));
  }
}
