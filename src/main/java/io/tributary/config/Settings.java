package io.tributary.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The merged settings of a server: keys as in {@code conf/tributary.properties}, each with the value of
 * the layer that won (flags, environment, file, built-in defaults). Immutable.
 */
public final class Settings {
  private final Map<String, String> values;

  public Settings(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(new TreeMap<>(values));
  }

  public Map<String, String> asMap() { return values; }

  public String string(String key) {
    String value = values.get(key);
    if (value == null) throw new IllegalArgumentException("missing setting '" + key + "'");
    return value.trim();
  }

  public int integer(String key) {
    try {
      return Integer.parseInt(string(key));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("setting '" + key + "' must be a whole number, not '" + values.get(key) + "'");
    }
  }

  public long longValue(String key) {
    try {
      return Long.parseLong(string(key));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("setting '" + key + "' must be a whole number, not '" + values.get(key) + "'");
    }
  }

  public boolean bool(String key) {
    return switch (string(key).toLowerCase(java.util.Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("setting '" + key + "' must be true or false, not '" + values.get(key) + "'");
    };
  }

  public Path path(String key) { return Path.of(string(key)); }

  /** A copy with some keys replaced, for tests and embedding. */
  public Settings with(Map<String, String> overrides) {
    Map<String, String> merged = new TreeMap<>(values);
    merged.putAll(overrides);
    return new Settings(merged);
  }

  /** The settings with every secret ({@code auth.credentials}, {@code management.token}, {@code cluster.secret}) masked, so settings can be logged. */
  @Override
  public String toString() {
    Map<String, String> shown = new TreeMap<>(values);
    shown.computeIfPresent("auth.credentials", (key, value) -> value.isBlank() ? value : "****");
    shown.computeIfPresent("management.token", (key, value) -> value.isBlank() ? value : "****");
    shown.computeIfPresent("cluster.secret", (key, value) -> value.isBlank() ? value : "****");
    return shown.toString();
  }
}
