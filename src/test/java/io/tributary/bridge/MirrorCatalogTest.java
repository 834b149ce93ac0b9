package io.tributary.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mirrors of conf/mirrors.json and those created at run time, kept across restarts with their paused flags. */
class MirrorCatalogTest {
  private static final JsonObject CONFIGURED = new JsonObject().put("name", "out").put("direction", "STREAM_TO_TOPIC")
      .put("stream", "orders").put("topic", "orders");

  @Test
  void keepsCreatedMirrorsAndPausedFlagsAcrossALoad(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("mirrors.json");
    Files.writeString(config, new JsonArray().add(CONFIGURED).encode());
    Path data = dir.resolve("data").resolve("mirrors");
    MirrorCatalog catalog = MirrorCatalog.load(config, data, "000000000000", "us-east-1");
    assertEquals(List.of("out"), catalog.all().stream().map(MirrorDefinition::name).toList());
    assertTrue(catalog.isConfigured("out"));

    MirrorDefinition created = MirrorDefinition.fromJson(new JsonObject().put("name", "in").put("direction", "TOPIC_TO_STREAM")
        .put("stream", "payments").put("topic", "payments").put("region", "eu-west-1"), "000000000000", "us-east-1");
    catalog.put(created);
    catalog.put(catalog.get("out").withPaused(true));
    catalog.save(catalog.snapshot());

    MirrorCatalog reloaded = MirrorCatalog.load(config, data, "000000000000", "us-east-1");
    assertEquals(List.of("out", "in"), reloaded.all().stream().map(MirrorDefinition::name).toList());
    assertTrue(reloaded.get("out").paused());
    assertFalse(reloaded.get("in").paused());
    assertFalse(reloaded.isConfigured("in"));
    assertEquals(created, reloaded.get("in"));
    assertEquals("eu-west-1", reloaded.get("in").stream().region());
    assertEquals("tributary-mirror-in", reloaded.get("in").consumerGroup());
  }

  @Test
  void refusesBadDefinitions(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("mirrors.json");
    Files.writeString(config, new JsonArray().add(CONFIGURED).add(CONFIGURED).encode());
    IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
        () -> MirrorCatalog.load(config, null, "000000000000", "us-east-1"));
    assertTrue(twice.getMessage().contains("names mirror out twice"), twice.getMessage());

    assertEquals("topic must be a string matching [A-Za-z0-9._-]{1,249}", assertThrows(IllegalArgumentException.class,
        () -> MirrorDefinition.fromJson(CONFIGURED.copy().put("topic", "a topic"), "0", "r")).getMessage());
    assertEquals("startTimestamp (epoch milliseconds) is required with AT_TIMESTAMP", assertThrows(IllegalArgumentException.class,
        () -> MirrorDefinition.fromJson(CONFIGURED.copy().put("startPosition", "AT_TIMESTAMP"), "0", "r")).getMessage());
    assertEquals("partitions must be 0 (the open shard count) or more", assertThrows(IllegalArgumentException.class,
        () -> MirrorDefinition.fromJson(CONFIGURED.copy().put("partitions", -1), "0", "r")).getMessage());
  }
}
