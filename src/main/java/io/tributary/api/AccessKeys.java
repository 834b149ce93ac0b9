package io.tributary.api;

import io.tributary.config.Settings;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The secret access key of each access key id that {@code auth.mode=verify} accepts, from
 * {@code auth.credentials} ({@code AKID:SECRET,AKID:SECRET}) and {@code auth.credentials.file} (a
 * properties file of {@code AKID=SECRET} lines, as a mounted Kubernetes Secret provides). Immutable;
 * {@link #toString} names the key ids only, so a secret cannot reach a log through it.
 */
public final class AccessKeys {
  private final Map<String, String> secrets;

  AccessKeys(Map<String, String> secrets) {
    this.secrets = Map.copyOf(secrets);
  }

  /** Reads the settings and the credentials file; blocking (the file), so never on an event loop. */
  public static AccessKeys load(Settings settings) {
    Map<String, String> secrets = new HashMap<>();
    for (String entry : settings.string("auth.credentials").split(",")) {
      String pair = entry.trim();
      if (pair.isEmpty()) continue;
      int colon = pair.indexOf(':');
      if (colon <= 0 || colon == pair.length() - 1) {
        // The entry itself is not quoted: it may hold a secret.
        throw new IllegalArgumentException("setting 'auth.credentials' takes <access key id>:<secret> pairs, "
            + "separated by commas; an entry has no ':' or an empty part");
      }
      secrets.put(pair.substring(0, colon).trim(), pair.substring(colon + 1).trim());
    }
    String file = settings.string("auth.credentials.file");
    if (!file.isEmpty()) secrets.putAll(readFile(Path.of(file)));
    if ("verify".equals(settings.string("auth.mode")) && secrets.isEmpty()) {
      throw new IllegalArgumentException("auth.mode=verify needs access keys in 'auth.credentials' or "
          + "'auth.credentials.file'");
    }
    return new AccessKeys(secrets);
  }

  private static Map<String, String> readFile(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read auth.credentials.file " + file, e);
    }
    Map<String, String> secrets = new HashMap<>();
    properties.forEach((id, secret) -> {
      if (!secret.toString().isBlank()) secrets.put(id.toString().trim(), secret.toString().trim());
    });
    return secrets;
  }

  /** The secret of an access key id, or null for a key this server does not know. */
  String secret(String accessKeyId) {
    return secrets.get(accessKeyId);
  }

  @Override
  public String toString() {
    return "AccessKeys" + new java.util.TreeSet<>(secrets.keySet());
  }
}
