package io.tributary.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.shard.ShardAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardGroupPlanTest {
  private static final List<String> NODES = List.of("a:1", "b:1", "c:1", "d:1");

  @Test
  void eachGroupHasItsNodeFirstAndTheNextOnes() {
    ShardGroupPlan plan = ShardGroupPlan.initial("c", NODES, 3);
    assertEquals(4, plan.groups());
    assertEquals(List.of("a:1", "b:1", "c:1"), plan.members(0));
    assertEquals(List.of("d:1", "a:1", "b:1"), plan.members(3));
    assertEquals(List.of(0, 2, 3), plan.groupsOf("a:1"), "a node is in factor groups");
  }

  @Test
  void aStreamsShardsTakeTheGroupsInTurn() {
    ShardGroupPlan plan = ShardGroupPlan.initial("c", NODES.subList(0, 3), 3);
    int[] perGroup = new int[3];
    for (int shard = 0; shard < 12; shard++) {
      perGroup[plan.groupOf(ShardAddress.of("uid-1", String.format("shardId-%012d", shard)))]++;
    }
    assertEquals(List.of(4, 4, 4), List.of(perGroup[0], perGroup[1], perGroup[2]));
    assertEquals(plan.groupOf(ShardAddress.of("uid-1", "shardId-000000000003")),
        plan.groupOf(ShardAddress.of("uid-1", "shardId-000000000000")), "every third shard shares a group");
  }

  @Test
  void groupIdsAreTheSameOnEveryNodeAndDifferPerGroupAndCluster() {
    assertEquals(ShardGroupPlan.initial("c", NODES, 3).groupId(1), ShardGroupPlan.initial("c", NODES, 3).groupId(1));
    assertNotEquals(ShardGroupPlan.initial("c", NODES, 3).groupId(1), ShardGroupPlan.initial("c", NODES, 3).groupId(2));
    assertNotEquals(ShardGroupPlan.initial("c", NODES, 3).groupId(1), ShardGroupPlan.initial("other", NODES, 3).groupId(1));
  }

  @Test
  void aFactorBeyondTheMembersIsRefused() {
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> ShardGroupPlan.initial("c", NODES.subList(0, 2), 3));
    assertEquals("setting 'replication.factor' must be between 1 and the number of cluster members (2), not 3",
        refused.getMessage());
  }

  @Test
  void aReplacedNodesPlaceInEveryGroupGoesToItsReplacementAsTheGroupsNextMembers() {
    List<String> three = List.of("a:1", "b:1", "c:1");
    ShardGroupPlan plan = ShardGroupPlan.initial("c", three, 2);
    ShardGroupPlan replacing = plan.replacing("c:1", "d:1");
    assertEquals(plan.members(0), replacing.members(0));
    assertNull(replacing.next(0), "group 0 has a and b");
    assertEquals(List.of("b:1", "d:1"), replacing.next(1), "c's place, in its order");
    assertEquals(List.of("d:1", "a:1"), replacing.next(2), "c was the preferred leader of group 2: d is now");
    assertEquals(List.of("c:1", "a:1", "d:1"), replacing.replicas(2), "c and d keep replicas while the group changes");
    assertEquals(List.of(1, 2), replacing.groupsOf("d:1"));
    assertEquals(List.of(1, 2), replacing.groupsOf("c:1"));
    assertEquals(replacing, ShardGroupPlan.fromJson("c", replacing.toJson()), "the plan round-trips through its document");
    assertEquals(plan.groupOf(ShardAddress.of("uid", "shardId-000000000007")),
        replacing.groupOf(ShardAddress.of("uid", "shardId-000000000007")), "a shard keeps its group");

    IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> replacing.replacing("a:1", "e:1"));
    assertEquals("shard group 2 is changing its members already, to [d:1, a:1]; replace again once it has",
        twice.getMessage());
    ShardGroupPlan retargeted = replacing.replacing("d:1", "e:1");
    assertEquals(List.of("b:1", "e:1"), retargeted.next(1), "a node still joining is replaced in the change");
    assertEquals(List.of("e:1", "a:1"), retargeted.next(2));
    assertEquals(List.of(), retargeted.groupsOf("d:1"), "d keeps nothing");
    ShardGroupPlan done = replacing.changed(1).changed(2);
    assertEquals(List.of("b:1", "d:1"), done.members(1));
    assertEquals(List.of(), done.groupsOf("c:1"), "c keeps nothing once every group has changed");
    assertEquals(done, done.changed(1), "a group that is not changing stays as it is");
    IllegalArgumentException both = assertThrows(IllegalArgumentException.class, () -> done.replacing("a:1", "b:1"));
    assertEquals("shard group 0 has both a:1 and b:1: name a node that keeps no replica of it", both.getMessage());
    assertThrows(IllegalArgumentException.class, () -> done.replacing("c:1", "e:1"), "c keeps no replica");
  }

  @Test
  void aSpreadGivesANodeThatJoinedPlacesFromThoseWithTheMostAndLeavesANodeThatIsDownItsOwn() {
    ShardGroupPlan plan = ShardGroupPlan.initial("c", List.of("a:1", "b:1", "c:1"), 3);
    ShardGroupPlan spread = plan.spreadOver(new TreeSet<>(List.of("a:1", "b:1", "c:1", "d:1")));
    Map<String, Integer> places = new TreeMap<>();
    int changing = 0;
    for (int g = 0; g < spread.groups(); g++) {
      if (spread.next(g) != null) changing++;
      for (String node : spread.next(g) != null ? spread.next(g) : spread.members(g)) places.merge(node, 1, Integer::sum);
    }
    assertEquals(2, changing, "two groups each give d one place");
    assertEquals(2, places.get("d:1"));
    assertEquals(9, places.values().stream().mapToInt(Integer::intValue).sum());
    assertTrue(places.values().stream().allMatch(count -> count >= 2 && count <= 3), places.toString());
    assertEquals(spread, spread.spreadOver(new TreeSet<>(List.of("a:1", "b:1", "c:1", "d:1"))),
        "a group changing keeps its change; the others are even already");
    assertEquals(plan, plan.spreadOver(new TreeSet<>(List.of("a:1", "b:1", "c:1"))), "even already");
    ShardGroupPlan withCDown = plan.spreadOver(new TreeSet<>(List.of("a:1", "b:1", "d:1")));
    for (int g = 0; g < withCDown.groups(); g++) {
      List<String> after = withCDown.next(g) != null ? withCDown.next(g) : withCDown.members(g);
      assertTrue(after.contains("c:1"), "c is down: it keeps its places, " + withCDown);
    }
    assertEquals(2, withCDown.groupsOf("d:1").size(), "d takes places from a and b");
  }

  @Test
  void aNodeLeavingGivesEachOfItsPlacesToTheLiveNodeWithTheFewestThatTheGroupLacks() {
    ShardGroupPlan four = ShardGroupPlan.initial("c", List.of("a:1", "b:1", "c:1", "d:1"), 3);
    ShardGroupPlan removing = four.removing("d:1", new TreeSet<>(List.of("a:1", "b:1", "c:1", "d:1")));
    assertEquals(List.of(1, 2, 3), removing.groupsOf("d:1"), "d keeps its replicas while the groups change");
    assertEquals(List.of("b:1", "c:1", "a:1"), removing.next(1), "each group takes in the node it lacks");
    for (int g = 0; g < 4; g++) {
      List<String> after = removing.next(g) != null ? removing.next(g) : removing.members(g);
      assertFalse(after.contains("d:1"), "group " + g + ": " + after);
      assertEquals(3, new HashSet<>(after).size(), "group " + g + " keeps three members: " + after);
    }
    ShardGroupPlan three = ShardGroupPlan.initial("c", List.of("a:1", "b:1", "c:1"), 3);
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> three.removing("c:1", new TreeSet<>(List.of("a:1", "b:1", "c:1"))));
    assertEquals("shard group 0 has [a:1, b:1, c:1]: no live node is left to take the place of c:1 (add one to the "
        + "cluster first)", none.getMessage());
  }

  @Test
  void aNodesPeerIdNamesItBack() {
    assertEquals("127.0.0.1:9000", ShardGroupPlan.nodeOf(ShardGroupPlan.peerId("127.0.0.1:9000")));
    assertEquals("node-1.tributary:5701", ShardGroupPlan.nodeOf(ShardGroupPlan.peerId("node-1.tributary:5701")));
  }

  @Test
  void aClusterMadeBeforeItKeptItsPlanTakesThePlanItsGroupsWereMadeWith(@TempDir Path directory) throws Exception {
    assertNull(ShardGroupPlan.kept("c", directory));
    Files.writeString(directory.resolve(ShardGroupPlan.FILE), "{\"nodes\": [\"b:1\", \"a:1\", \"c:1\"], \"factor\": 3}");
    assertEquals(ShardGroupPlan.initial("c", List.of("b:1", "a:1", "c:1"), 3), ShardGroupPlan.kept("c", directory));
  }
}
