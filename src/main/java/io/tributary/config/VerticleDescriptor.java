package io.tributary.config;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A deployment descriptor from {@code verticles/<name>.json}: the verticle class, how many instances
 * (omitted: one per event loop), optional worker pool settings, the verticle's own config, and optionally
 * {@code enabledBy}, a boolean setting that must be true for the verticle to be deployed. Operators retune
 * deployments here without touching code. The packaged copy is used when the directory lacks one.
 */
public record VerticleDescriptor(String name, String verticleClass, DeploymentOptions options, String enabledBy) {

  public static VerticleDescriptor load(Path directory, String name, int eventLoops) {
    JsonObject json = read(directory, name);
    DeploymentOptions options = new DeploymentOptions()
        .setInstances(json.getInteger("instances", eventLoops))
        .setConfig(json.getJsonObject("config", new JsonObject()));
    if (json.containsKey("workerPoolName")) options.setWorkerPoolName(json.getString("workerPoolName"));
    if (json.containsKey("workerPoolSize")) options.setWorkerPoolSize(json.getInteger("workerPoolSize"));
    return new VerticleDescriptor(name, json.getString("verticle"), options, json.getString("enabledBy"));
  }

  /** Whether the verticle is deployed with these settings: always, unless its {@code enabledBy} setting is false. */
  public boolean enabled(Settings settings) {
    return enabledBy == null || settings.bool(enabledBy);
  }

  private static JsonObject read(Path directory, String name) {
    Path file = directory.resolve(name + ".json");
    try {
      if (Files.isRegularFile(file)) return new JsonObject(Files.readString(file));
      try (InputStream in = VerticleDescriptor.class.getResourceAsStream("/verticles/" + name + ".json")) {
        if (in == null) throw new IllegalStateException("no deployment descriptor " + file + " (nor a packaged one)");
        return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read deployment descriptor " + file, e);
    }
  }
}
