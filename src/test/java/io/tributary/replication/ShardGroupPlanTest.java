package io.tributary.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tributary.shard.ShardAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardGroupPlanTest {
  private static final List<String> NODES = List.of("a:1", "b:1", "c:1", "d:1");

  @Test
  void eachGroupHasItsNodeFirstAndTheNextOnes() {
    ShardGroupPlan plan = new ShardGroupPlan("c", NODES, 3);
    assertEquals(4, plan.groups());
    assertEquals(List.of("a:1", "b:1", "c:1"), plan.members(0));
    assertEquals(List.of("d:1", "a:1", "b:1"), plan.members(3));
    assertEquals(List.of(0, 2, 3), plan.groupsOf("a:1"), "a node is in factor groups");
  }

  @Test
  void aStreamsShardsTakeTheGroupsInTurn() {
    ShardGroupPlan plan = new ShardGroupPlan("c", NODES.subList(0, 3), 3);
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
    assertEquals(new ShardGroupPlan("c", NODES, 3).groupId(1), new ShardGroupPlan("c", NODES, 3).groupId(1));
    assertNotEquals(new ShardGroupPlan("c", NODES, 3).groupId(1), new ShardGroupPlan("c", NODES, 3).groupId(2));
    assertNotEquals(new ShardGroupPlan("c", NODES, 3).groupId(1), new ShardGroupPlan("other", NODES, 3).groupId(1));
  }

  @Test
  void aFactorBeyondTheMembersIsRefused() {
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> new ShardGroupPlan("c", NODES.subList(0, 2), 3));
    assertEquals("setting 'replication.factor' must be between 1 and the number of cluster members (2), not 3",
        refused.getMessage());
  }

  @Test
  void aNodeKeepsThePlanItsGroupsWereMadeForAndRefusesAnother(@TempDir Path directory) throws Exception {
    List<String> three = List.of("a:1", "b:1", "c:1");
    new ShardGroupPlan("c", three, 3).keepOrCheck(directory);
    Files.writeString(directory.resolve("other"), "");  // the directory holds more than the plan
    new ShardGroupPlan("c", three, 3).keepOrCheck(directory);
    IllegalStateException grown = assertThrows(IllegalStateException.class,
        () -> new ShardGroupPlan("c", List.of("a:1", "b:1", "c:1", "d:1"), 3).keepOrCheck(directory));
    assertEquals("this node's shard groups were made for cluster.members a:1,b:1,c:1 and replication.factor 3, not"
        + " a:1,b:1,c:1,d:1 and 3: a replicated cluster keeps its members, in their order, and its factor (growing or"
        + " shrinking one is not supported yet)", grown.getMessage());
    assertThrows(IllegalStateException.class, () -> new ShardGroupPlan("c", List.of("b:1", "a:1", "c:1"), 3).keepOrCheck(directory));
    assertThrows(IllegalStateException.class, () -> new ShardGroupPlan("c", three, 2).keepOrCheck(directory));
  }
}
