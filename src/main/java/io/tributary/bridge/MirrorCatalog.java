package io.tributary.bridge;

import io.tributary.DurableJsonFile;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The mirrors a server runs: those of {@code conf/mirrors.json} (a JSON array of definitions, read at start,
 * changed only by editing the file) and those created through the management API, which are kept with the
 * paused flags of all in {@code <data dir>/mirrors/mirrors.json} ({@code {"created": [definitions], "paused":
 * [names]}}), replaced atomically. Without a data directory (memory storage) nothing is kept; in a cluster the
 * cluster keeps them instead (see {@link BridgeVerticle}).
 * Not thread-safe: the bridge verticle owns it; {@link #save} blocks and runs on a worker.
 */
final class MirrorCatalog {
  private final Map<String, MirrorDefinition> configured = new LinkedHashMap<>();
  private final Map<String, MirrorDefinition> mirrors = new LinkedHashMap<>();
  private final DurableJsonFile file;

  private MirrorCatalog(DurableJsonFile file) {
    this.file = file;
  }

  /** Reads the configured and the kept mirrors; blocking. */
  static MirrorCatalog load(Path configFile, Path dataDir, String account, String region) {
    MirrorCatalog catalog = new MirrorCatalog(dataDir == null ? null : new DurableJsonFile(dataDir.resolve("mirrors.json")));
    if (configFile != null && Files.exists(configFile)) {
      JsonArray definitions;
      try {
        definitions = new JsonArray(Files.readString(configFile));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + configFile, e);
      }
      for (Object entry : definitions) {
        MirrorDefinition definition = MirrorDefinition.fromJson((JsonObject) entry, account, region);
        if (catalog.configured.put(definition.name(), definition) != null) {
          throw new IllegalArgumentException(configFile + " names mirror " + definition.name() + " twice");
        }
        catalog.mirrors.put(definition.name(), definition);
      }
    }
    JsonObject kept = catalog.file == null ? null : catalog.file.read();
    if (kept != null) {
      for (Object entry : kept.getJsonArray("created", new JsonArray())) {
        MirrorDefinition definition = MirrorDefinition.fromJson((JsonObject) entry, account, region);
        catalog.mirrors.putIfAbsent(definition.name(), definition);
      }
      for (Object name : kept.getJsonArray("paused", new JsonArray())) {
        MirrorDefinition definition = catalog.mirrors.get((String) name);
        if (definition != null) catalog.mirrors.put(definition.name(), definition.withPaused(true));
      }
    }
    return catalog;
  }

  List<MirrorDefinition> all() { return new ArrayList<>(mirrors.values()); }

  MirrorDefinition get(String name) { return mirrors.get(name); }

  boolean isConfigured(String name) { return configured.containsKey(name); }

  /** The mirrors of the configuration file, as it defines them. */
  List<MirrorDefinition> configured() { return new ArrayList<>(configured.values()); }

  void put(MirrorDefinition definition) { mirrors.put(definition.name(), definition); }

  void remove(String name) { mirrors.remove(name); }

  /** What {@link #save} writes, taken on the owner's thread. */
  JsonObject snapshot() {
    JsonArray created = new JsonArray();
    JsonArray paused = new JsonArray();
    for (MirrorDefinition definition : mirrors.values()) {
      if (!configured.containsKey(definition.name())) created.add(definition.withPaused(false).toJson());
      if (definition.paused()) paused.add(definition.name());
    }
    return new JsonObject().put("created", created).put("paused", paused);
  }

  /** Writes a snapshot durably; blocking. */
  void save(JsonObject snapshot) {
    if (file != null) file.write(snapshot);
  }
}
