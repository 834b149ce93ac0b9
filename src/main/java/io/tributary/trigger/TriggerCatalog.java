package io.tributary.trigger;

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
 * The triggers a server runs: those of {@code conf/triggers.json} (a JSON array of CreateEventSourceMapping
 * bodies, read at start, changed only by editing the file, though they can be disabled and enabled) and
 * those created on the management port, kept in {@code <data dir>/triggers/triggers.json} as
 * {@code {"created": [definitions], "disabled": [UUIDs of configured triggers disabled]}}, replaced
 * atomically. Without a data directory (memory storage) nothing is kept.
 * Not thread-safe: the trigger verticle owns it; {@link #save} blocks and runs on a worker.
 */
final class TriggerCatalog {
  private final Map<String, TriggerDefinition> configured = new LinkedHashMap<>();
  private final Map<String, TriggerDefinition> triggers = new LinkedHashMap<>();
  private final DurableJsonFile file;

  private TriggerCatalog(DurableJsonFile file) {
    this.file = file;
  }

  /** Reads the configured and the kept triggers; blocking. */
  static TriggerCatalog load(Path configFile, Path dataDir, long nowMillis) {
    TriggerCatalog catalog = new TriggerCatalog(dataDir == null ? null : new DurableJsonFile(dataDir.resolve("triggers.json")));
    if (configFile != null && Files.exists(configFile)) {
      JsonArray definitions;
      try {
        definitions = new JsonArray(Files.readString(configFile));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + configFile, e);
      }
      for (Object entry : definitions) {
        TriggerDefinition definition;
        try {
          definition = TriggerDefinition.fromJson((JsonObject) entry, nowMillis);
        } catch (TriggerRequestException e) {
          throw new IllegalArgumentException(configFile + ": " + e.getMessage(), e);
        }
        if (catalog.configured.put(definition.uuid(), definition) != null) {
          throw new IllegalArgumentException(configFile + " names trigger " + definition.uuid() + " twice");
        }
        catalog.triggers.put(definition.uuid(), definition);
      }
    }
    JsonObject kept = catalog.file == null ? null : catalog.file.read();
    if (kept != null) {
      for (Object entry : kept.getJsonArray("created", new JsonArray())) {
        TriggerDefinition definition = TriggerDefinition.fromJson((JsonObject) entry, nowMillis);
        JsonObject json = (JsonObject) entry;
        long modified = json.getValue("LastModified") instanceof Number seconds ? Math.round(seconds.doubleValue() * 1000) : nowMillis;
        catalog.triggers.putIfAbsent(definition.uuid(), definition.withEnabled(definition.enabled(), modified));
      }
      for (Object uuid : kept.getJsonArray("disabled", new JsonArray())) {
        TriggerDefinition definition = catalog.configured.get((String) uuid);
        if (definition != null) catalog.triggers.put(definition.uuid(), definition.withEnabled(false, nowMillis));
      }
    }
    return catalog;
  }

  List<TriggerDefinition> all() { return new ArrayList<>(triggers.values()); }

  boolean isConfigured(String uuid) { return configured.containsKey(uuid); }

  void put(TriggerDefinition definition) { triggers.put(definition.uuid(), definition); }

  void remove(String uuid) { triggers.remove(uuid); }

  /** What {@link #save} writes, taken on the owner's thread. */
  JsonObject snapshot() {
    JsonArray created = new JsonArray();
    JsonArray disabled = new JsonArray();
    for (TriggerDefinition definition : triggers.values()) {
      if (!configured.containsKey(definition.uuid())) {
        created.add(definition.toJson());
      } else if (!definition.enabled()) {
        disabled.add(definition.uuid());
      }
    }
    return new JsonObject().put("created", created).put("disabled", disabled);
  }

  /** Writes a snapshot durably; blocking. */
  void save(JsonObject snapshot) {
    if (file != null) file.write(snapshot);
  }
}
