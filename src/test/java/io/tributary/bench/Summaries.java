package io.tributary.bench;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The summary files a benchmark run leaves for the report written after every run: {@code case.key=value}
 * lines, a case being one measured phase (a dot-free name) and its figures.
 */
final class Summaries {
  private Summaries() { }

  /** Cases and their figures as {@code case.key=value} lines. */
  static String format(Map<String, Map<String, Double>> cases) {
    StringBuilder text = new StringBuilder();
    cases.forEach((name, values) -> values.forEach((key, value) -> text.append(name).append('.').append(key)
        .append('=').append(String.format(Locale.ROOT, "%.6f", value)).append('\n')));
    return text.toString();
  }

  /** {@code case.key=value} lines back into cases. */
  static Map<String, Map<String, Double>> read(String file) throws IOException {
    Map<String, Map<String, Double>> cases = new LinkedHashMap<>();
    readFlat(file).forEach((key, value) -> {
      int dot = key.indexOf('.');
      cases.computeIfAbsent(key.substring(0, dot), k -> new LinkedHashMap<>()).put(key.substring(dot + 1), value);
    });
    return cases;
  }

  /** A {@code key=value} summary file's figures; empty when there is none (that run failed or was skipped). */
  static Map<String, Double> readFlat(String file) throws IOException {
    Map<String, Double> values = new TreeMap<>();
    Properties properties = readStrings(file);
    for (String key : properties.stringPropertyNames()) {
      try {
        values.put(key, Double.parseDouble(properties.getProperty(key)));
      } catch (NumberFormatException e) {
        // not a figure
      }
    }
    return values;
  }

  /** Every line of a summary file, figures or not; empty when there is none. */
  static Properties readStrings(String file) throws IOException {
    Properties properties = new Properties();
    if (file.isEmpty() || !Files.exists(Path.of(file))) return properties;
    try (Reader in = Files.newBufferedReader(Path.of(file))) {
      properties.load(in);
    }
    return properties;
  }
}
