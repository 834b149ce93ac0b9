package io.tributary.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.tributary.cluster.ClusterLayout;
import io.tributary.cluster.ClusterSettings;
import io.tributary.config.Settings;
import io.tributary.cluster.HazelcastConfigBuilder;
import io.tributary.config.SettingsLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The cluster overlay in {@code k8s/cluster/}: three replicas of the base StatefulSet whose variables are all
 * real settings and make a Hazelcast member that finds the others by DNS through the overlay's headless
 * Service (which lists pods before they are ready), on the ports that Service names; a PodDisruptionBudget over
 * the same pods.
 */
class ClusterManifestsTest {
  private static final Path OVERLAY = Path.of("k8s", "cluster");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void theOverlayBuildsOnTheSingleNodeManifests() throws IOException {
    JsonNode kustomization = YAML.readTree(OVERLAY.resolve("kustomization.yaml").toFile());
    List<String> resources = texts(kustomization.get("resources"));
    assertEquals(List.of("../base", "discovery-service.yaml", "pod-disruption-budget.yaml", "cluster-secret.yaml"), resources);
    assertEquals("statefulset-cluster.yaml", kustomization.get("patches").get(0).get("path").asText());
  }

  @Test
  void threeReplicasFindEachOtherThroughTheHeadlessService() throws IOException {
    JsonNode statefulSet = YAML.readTree(OVERLAY.resolve("statefulset-cluster.yaml").toFile());
    assertEquals("tributary", statefulSet.at("/metadata/name").asText(), "patches the base's StatefulSet");
    assertEquals(3, statefulSet.at("/spec/replicas").asInt());
    JsonNode container = statefulSet.at("/spec/template/spec/containers/0");
    assertEquals("tributary", container.get("name").asText());

    Set<String> settingVariables = SettingsLoader.defaults().asMap().keySet().stream()
        .map(SettingsLoader::envName).collect(Collectors.toSet());
    Map<String, String> environment = new HashMap<>();
    for (JsonNode variable : container.get("env")) {
      String name = variable.get("name").asText();
      if (name.equals("POD_NAME")) {
        assertEquals("metadata.name", variable.at("/valueFrom/fieldRef/fieldPath").asText());
        continue;
      }
      assertTrue(settingVariables.contains(name), name + " sets no setting");
      if (variable.has("value")) {
        environment.put(name, variable.get("value").asText().replace("$(POD_NAME)", "tributary-1"));
      } else {
        assertEquals("tributary-cluster", variable.at("/valueFrom/secretKeyRef/name").asText(), name);
        environment.put(name, "a secret of the test's own");
      }
    }
    assertEquals("Parallel", statefulSet.at("/spec/podManagementPolicy").asText(),
        "pods start together: the metadata group needs a majority of them");
    assertEquals("tributary-1.tributary-cluster", environment.get("TRIBUTARY_CLUSTER_ADVERTISED_HOST"),
        "each pod is known by its stable DNS name");

    JsonNode service = YAML.readTree(OVERLAY.resolve("discovery-service.yaml").toFile());
    assertEquals("None", service.at("/spec/clusterIP").asText(), "headless: its DNS name lists the pods");
    assertTrue(service.at("/spec/publishNotReadyAddresses").asBoolean(), "a node joins before it is ready");
    assertEquals("tributary-cluster", service.at("/metadata/name").asText(), "the pods' names are under it");
    assertEquals(labels(statefulSet.at("/spec/template/metadata/labels"), baseStatefulSet()),
        service.at("/spec/selector"), "the Service selects the StatefulSet's pods");

    Map<String, Integer> servicePorts = new HashMap<>();
    for (JsonNode port : service.at("/spec/ports")) {
      servicePorts.put(port.get("targetPort").asText(), port.get("port").asInt());
    }
    Map<String, Integer> containerPorts = new HashMap<>();
    for (JsonNode port : container.get("ports")) containerPorts.put(port.get("name").asText(), port.get("containerPort").asInt());
    assertEquals(Integer.valueOf(environment.get("TRIBUTARY_CLUSTER_PORT")), containerPorts.get("hazelcast"));
    assertEquals(Integer.valueOf(environment.get("TRIBUTARY_CLUSTER_BUS_PORT")), containerPorts.get("event-bus"));
    assertEquals(containerPorts.get("hazelcast"), servicePorts.get("hazelcast"));
    assertEquals(containerPorts.get("event-bus"), servicePorts.get("event-bus"));

    Settings settings = SettingsLoader.load(List.of(), environment);
    int clusterPort = containerPorts.get("hazelcast");
    assertEquals(clusterPort + settings.integer("cluster.metadata.port.offset"), containerPorts.get("metadata-raft"));
    assertEquals(clusterPort + settings.integer("cluster.replication.port.offset"), containerPorts.get("shard-raft"));
    Config config = HazelcastConfigBuilder.build(ClusterSettings.from(settings));
    JoinConfig join = config.getNetworkConfig().getJoin();
    assertTrue(join.getTcpIpConfig().isEnabled());
    assertFalse(join.getMulticastConfig().isEnabled());
    assertFalse(config.getNetworkConfig().getInterfaces().isEnabled(), "listens on every interface of the pod");
    assertEquals("tributary-1.tributary-cluster:5701", config.getNetworkConfig().getPublicAddress());
    ClusterLayout layout = ClusterLayout.from(settings, ClusterSettings.from(settings));
    assertEquals("tributary-1.tributary-cluster:5701", layout.self());
    assertEquals(3, layout.voters().size(), "every pod is a voter of the metadata group");
  }

  @Test
  void voluntaryDisruptionsTakeOneNodeAtATime() throws IOException {
    JsonNode budget = YAML.readTree(OVERLAY.resolve("pod-disruption-budget.yaml").toFile());
    assertEquals("PodDisruptionBudget", budget.get("kind").asText());
    assertEquals(1, budget.at("/spec/maxUnavailable").asInt());
    assertEquals(labels(null, baseStatefulSet()), budget.at("/spec/selector/matchLabels"));
  }

  private static JsonNode baseStatefulSet() throws IOException {
    return YAML.readTree(Path.of("k8s", "base", "statefulset.yaml").toFile());
  }

  /** The pod labels: the overlay's when it sets any, else the base StatefulSet's. */
  private static JsonNode labels(JsonNode overlay, JsonNode base) {
    return overlay != null && !overlay.isMissingNode() ? overlay : base.at("/spec/template/metadata/labels");
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    for (JsonNode item : array) texts.add(item.asText());
    return texts;
  }
}
