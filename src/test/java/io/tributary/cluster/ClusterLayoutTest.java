package io.tributary.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.cluster.metadata.MetadataPeer;
import io.tributary.config.Settings;
import io.tributary.config.SettingsLoader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The layout a node reads from its cluster.* settings: the nodes, the metadata voters and its own place. */
class ClusterLayoutTest {
  private static final String MEMBERS = "10.0.0.1:5701,10.0.0.2:5701,10.0.0.3:5701";
  /** The first three members, their Raft servers on the cluster port plus the default offset (100). */
  private static final List<MetadataPeer> VOTERS = List.of(new MetadataPeer("10.0.0.1_5701", "10.0.0.1", 5801),
      new MetadataPeer("10.0.0.2_5701", "10.0.0.2", 5801), new MetadataPeer("10.0.0.3_5701", "10.0.0.3", 5801));

  private static ClusterLayout layoutOf(String advertisedHost, String members) {
    Settings settings = SettingsLoader.load(List.of(), Map.of(
        "TRIBUTARY_CLUSTER_ENABLED", "true",
        "TRIBUTARY_CLUSTER_ADVERTISED_HOST", advertisedHost,
        "TRIBUTARY_CLUSTER_MEMBERS", members,
        "TRIBUTARY_CLUSTER_SECRET", "a secret of the test's own"));
    return ClusterLayout.from(settings, ClusterSettings.from(settings));
  }

  @Test
  void theFirstMembersAreTheVotersAndOneOfThemVotes() {
    ClusterLayout layout = layoutOf("10.0.0.2", MEMBERS);
    assertEquals("10.0.0.2:5701", layout.self());
    assertEquals(VOTERS, layout.voters());
    assertEquals(VOTERS.get(1), layout.metadataPeer());
    assertTrue(layout.voter());
  }

  @Test
  void aFourthNodeListingTheMembersAndItselfFollowsAsAListener() {
    ClusterLayout layout = layoutOf("10.0.0.4", MEMBERS + ",10.0.0.4:5701");
    assertEquals(VOTERS, layout.voters(), "the same voters as the nodes that do not list it");
    assertEquals(new MetadataPeer("10.0.0.4_5701", "10.0.0.4", 5801), layout.metadataPeer(),
        "its Raft server on its cluster port plus the offset, as a voter's");
    assertFalse(layout.voter());
    assertEquals(List.of("10.0.0.1:5701", "10.0.0.2:5701", "10.0.0.3:5701", "10.0.0.4:5701"), layout.nodes());
  }

  @Test
  void aNodeMissingFromItsOwnMemberListIsStillRefused() {
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> layoutOf("10.0.0.4", MEMBERS));
    assertTrue(refused.getMessage().contains("must list every node of the cluster"), refused.getMessage());
  }
}
