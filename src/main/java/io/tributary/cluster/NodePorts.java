package io.tributary.cluster;

import io.tributary.config.Settings;
import io.vertx.core.json.JsonObject;

/**
 * The ports a node serves on, as it publishes them to the others in its Vert.x node information's metadata:
 * {@code {"apiPort": 4567, "managementPort": 4569}}.
 */
record NodePorts(int apiPort, int managementPort) {
  static NodePorts of(Settings settings) {
    return new NodePorts(settings.integer("port"), settings.integer("management.port"));
  }

  JsonObject toJson() {
    return new JsonObject().put("apiPort", apiPort).put("managementPort", managementPort);
  }

  /** The ports in published metadata, or null when it holds none. */
  static NodePorts fromJson(JsonObject metadata) {
    if (metadata == null || metadata.getInteger("apiPort") == null) return null;
    return new NodePorts(metadata.getInteger("apiPort"), metadata.getInteger("managementPort"));
  }
}
