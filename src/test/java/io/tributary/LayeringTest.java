package io.tributary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The layers below the API never reach up into it: they raise domain errors that the API maps to Kinesis
 * errors, and the bridge and the triggers write and read through the shard protocol's own types. Above the
 * shard protocol, nothing reaches down to the log beneath it.
 */
class LayeringTest {
  private static final Path SOURCES = Path.of("src/main/java/io/tributary");

  @ParameterizedTest
  @ValueSource(strings = {"log", "shard", "stream", "limits", "bridge", "trigger", "cluster"})
  void importsNothingFromTheApi(String layer) throws IOException {
    assertEquals(List.of(), importsOf(layer, "io.tributary.api."));
  }

  /** Readers of records reach them through the shard protocol ({@code shard.ShardRecord}), never a log's type. */
  @ParameterizedTest
  @ValueSource(strings = {"api", "bridge", "trigger", "console"})
  void importsNothingFromTheLog(String layer) throws IOException {
    assertEquals(List.of(), importsOf(layer, "io.tributary.log."));
  }

  /** The import lines of the layer's sources that name the package (a prefix ending in a dot). */
  private static List<String> importsOf(String layer, String packagePrefix) throws IOException {
    Path directory = SOURCES.resolve(layer);
    assertTrue(Files.isDirectory(directory), directory + " exists");
    List<String> reaching = new ArrayList<>();
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        for (String line : Files.readAllLines(file)) {
          if (line.startsWith("import " + packagePrefix) || line.startsWith("import static " + packagePrefix)) {
            reaching.add(directory.relativize(file) + ": " + line);
          }
        }
      }
    }
    return reaching;
  }

  /** Streams decide when shards start and stop; where they run is the placement's ({@code ShardPlacement}). */
  @org.junit.jupiter.api.Test
  void theStreamLayerDeploysNoShard() throws IOException {
    List<String> deploying = new ArrayList<>();
    try (Stream<Path> files = Files.walk(SOURCES.resolve("stream"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String text = Files.readString(file);
        if (text.contains("deployVerticle") || text.contains("ShardVerticle")) deploying.add(file.getFileName().toString());
      }
    }
    assertEquals(List.of(), deploying);
  }
}
