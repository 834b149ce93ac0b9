package io.tributary.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.ChildServer;
import io.tributary.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With clustering off (the default) a node starts nothing of Hazelcast: in a server JVM whose class path is
 * the packaged one (the cluster manager's Vert.x service entry left out, as the shaded jar leaves it out), not
 * one Hazelcast class is loaded, and GET /cluster answers with this node alone (to the management token's
 * holder, when there is a token).
 */
@Timeout(120)
class ClusterOffTest {
  private static final String SERVICE_ENTRY = "META-INF/services/io.vertx.core.spi.VertxServiceProvider";

  @Test
  void aNodeWithClusteringOffLoadsNoHazelcastClassAndListsItselfAlone() throws Exception {
    Path directory = Files.createTempDirectory("tributary-cluster-off");
    Path classLog = directory.resolve("classes.log");
    try (ChildServer server = ChildServer.start(directory.resolve("data"), Map.of(),
        List.of("-Xmx256m", "-Xlog:class+load=info:file=" + classLog), packagedClassPath(directory))) {
      HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + server.managementPort() + "/cluster")).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, answer.statusCode(), answer.body());
      JsonObject cluster = new JsonObject(answer.body());
      assertFalse(cluster.getBoolean("enabled"));
      JsonArray members = cluster.getJsonArray("members");
      assertEquals(1, members.size(), answer.body());
      JsonObject self = members.getJsonObject(0);
      assertEquals(cluster.getString("node"), self.getString("node"));
      assertEquals("127.0.0.1", self.getString("host"));
      assertEquals(server.port(), self.getInteger("apiPort"));
      assertEquals(server.managementPort(), self.getInteger("managementPort"));
      assertNull(self.getInteger("clusterPort"), "no cluster port: nothing listens on one");
      assertEquals("UP", self.getString("state"));

      List<String> loaded = Files.readAllLines(classLog);
      assertTrue(loaded.stream().anyMatch(line -> line.contains(" io.tributary.cluster.SingleNodeMembership ")),
          "the log records the server's classes");
      List<String> hazelcast = loaded.stream()
          .filter(line -> line.contains(" com.hazelcast.") || line.contains(" io.vertx.spi.cluster.hazelcast."))
          .toList();
      assertEquals(List.of(), hazelcast);
    }
  }

  @Test
  void theMembersAreShownOnlyWithTheManagementToken() throws Exception {
    try (TestServer server = TestServer.start(Map.of("storage", "memory", "management.token", "cluster-token"))) {
      HttpClient http = HttpClient.newHttpClient();
      URI cluster = URI.create("http://127.0.0.1:" + server.managementPort() + "/cluster");
      assertEquals(401, http.send(HttpRequest.newBuilder(cluster).GET().build(),
          HttpResponse.BodyHandlers.ofString()).statusCode());
      HttpResponse<String> answer = http.send(HttpRequest.newBuilder(cluster)
          .header("Authorization", "Bearer cluster-token").GET().build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, answer.statusCode());
      JsonObject shown = new JsonObject(answer.body());
      assertEquals(server.server().services().cluster().nodeId(), shown.getString("node"));
      assertEquals(List.of(shown.getString("node")), shown.getJsonArray("members").stream()
          .map(member -> ((JsonObject) member).getString("node")).toList());
    }
  }

  /** The test class path with vertx-hazelcast's Vert.x service entry removed, as the shaded jar has it. */
  private static String packagedClassPath(Path directory) throws IOException {
    List<String> entries = new ArrayList<>();
    boolean replaced = false;
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (Path.of(entry).getFileName().toString().startsWith("vertx-hazelcast-")) {
        Path copy = directory.resolve("vertx-hazelcast-without-service-entry.jar");
        copyWithout(Path.of(entry), copy, SERVICE_ENTRY);
        entries.add(copy.toString());
        replaced = true;
      } else {
        entries.add(entry);
      }
    }
    assertTrue(replaced, "vertx-hazelcast is on the class path");
    return String.join(File.pathSeparator, entries);
  }

  private static void copyWithout(Path jar, Path copy, String left) throws IOException {
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar));
        ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(copy))) {
      for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        if (entry.getName().equals(left)) continue;
        out.putNextEntry(new ZipEntry(entry.getName()));
        in.transferTo(out);
        out.closeEntry();
      }
    }
  }
}
