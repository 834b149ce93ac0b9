package io.tributary.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Builds {@link Settings} from four layers, the first that sets a key winning: command-line flags,
 * environment variables ({@code TRIBUTARY_<KEY>}, upper case, dots as underscores; a Kafka client setting
 * {@code kafka.client.<key>} from {@code TRIBUTARY_KAFKA_CLIENT_<KEY>}), the properties file
 * ({@code --config FILE}, else {@code ./conf/tributary.properties} when present), and the built-in
 * defaults (the same file, packaged in the jar).
 */
public final class SettingsLoader {
  public static final String DEFAULTS_RESOURCE = "/tributary.properties";
  /** Keys under this prefix are handed to the Kafka clients as they are, so they have no defaults here. */
  private static final String PASSED_THROUGH_PREFIX = "kafka.client.";
  private static final Path DEFAULT_FILE = Path.of("conf", "tributary.properties");

  /** The start interface's flags and the keys they set. */
  public static final Map<String, String> FLAGS = Map.of(
      "--port", "port",
      "--tls-port", "tls.port",
      "--management-port", "management.port",
      "--data-dir", "data.dir",
      "--config", "config");

  private SettingsLoader() { }

  public static Settings load(List<String> args, Map<String, String> env) {
    Map<String, String> flags = parseFlags(args);
    Map<String, String> defaults = builtInDefaults();

    String configFile = flags.containsKey("config") ? flags.get("config") : env.get("TRIBUTARY_CONFIG");
    Map<String, String> file = new LinkedHashMap<>();
    if (configFile != null) {
      file.putAll(read(Path.of(configFile)));
    } else if (Files.isRegularFile(DEFAULT_FILE)) {
      file.putAll(read(DEFAULT_FILE));
    }

    for (String key : file.keySet()) {
      if (!defaults.containsKey(key) && !key.startsWith(PASSED_THROUGH_PREFIX)) {
        throw new IllegalArgumentException("unknown setting '" + key + "' in " + (configFile != null ? configFile
            : DEFAULT_FILE) + " (java -jar tributary.jar --help lists them)");
      }
    }
    Map<String, String> merged = new LinkedHashMap<>(defaults);
    merged.putAll(file);
    for (String key : List.copyOf(merged.keySet())) {
      String fromEnv = env.get(envName(key));
      if (fromEnv != null) merged.put(key, fromEnv);
    }
    // A Kafka client setting has no default to be named after; its variable names it (Kafka's keys use dots).
    String passedThrough = envName(PASSED_THROUGH_PREFIX);
    env.forEach((name, value) -> {
      if (name.startsWith(passedThrough) && name.length() > passedThrough.length()) {
        merged.put(PASSED_THROUGH_PREFIX + name.substring(passedThrough.length()).toLowerCase(Locale.ROOT).replace('_', '.'),
            value);
      }
    });
    flags.remove("config");
    merged.putAll(flags);
    return new Settings(merged);
  }

  /** The built-in defaults alone. */
  public static Settings defaults() {
    return new Settings(builtInDefaults());
  }

  public static String envName(String key) {
    return "TRIBUTARY_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  private static Map<String, String> parseFlags(List<String> args) {
    Map<String, String> flags = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String name = arg;
      String value = null;
      int equals = arg.indexOf('=');
      if (equals > 0) {
        name = arg.substring(0, equals);
        value = arg.substring(equals + 1);
      }
      String key = FLAGS.get(name);
      if (key == null) throw new IllegalArgumentException("unknown option '" + arg + "' (see --help)");
      if (value == null) {
        if (i + 1 >= args.size()) throw new IllegalArgumentException("option " + name + " needs a value");
        value = args.get(++i);
      }
      flags.put(key, value);
    }
    return flags;
  }

  private static Map<String, String> builtInDefaults() {
    try (InputStream in = SettingsLoader.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
      if (in == null) throw new IllegalStateException("built-in defaults " + DEFAULTS_RESOURCE + " are missing");
      Properties properties = new Properties();
      properties.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
      return toMap(properties);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, String> read(Path file) {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      Properties properties = new Properties();
      properties.load(reader);
      return toMap(properties);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage(), e);
    }
  }

  private static Map<String, String> toMap(Properties properties) {
    Map<String, String> map = new LinkedHashMap<>();
    for (String name : properties.stringPropertyNames()) map.put(name, properties.getProperty(name).trim());
    return map;
  }
}
