package io.tributary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {
  @TempDir
  Path root;

  @Test
  void makesTheIteratorKeyReadableByTheOwnerOnly() throws Exception {
    byte[] key;
    try (DataDirectory directory = DataDirectory.open(root)) {
      key = directory.iteratorKey();
    }
    Path file = root.resolve("iterator.key");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals(16, key.length);
    assertArrayEquals(key, Files.readAllBytes(file));
    assertFalse(Files.exists(root.resolve("iterator.key.tmp")));
    try (DataDirectory reopened = DataDirectory.open(root)) {
      assertArrayEquals(key, reopened.iteratorKey(), "the key survives a restart");
    }
  }

  @Test
  void tightensAKeyAnEarlierVersionLeftWorldReadable() throws Exception {
    byte[] key = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    Path file = root.resolve("iterator.key");
    Files.write(file, key);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    try (DataDirectory directory = DataDirectory.open(root)) {
      assertArrayEquals(key, directory.iteratorKey());
    }
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
  }
}
