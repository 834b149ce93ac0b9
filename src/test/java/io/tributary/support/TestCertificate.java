package io.tributary.support;

import io.tributary.api.ServerCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One self-signed TLS keystore per test JVM, made the way the server makes it, copied into the data
 * directories of test servers so that each start does not run keytool again.
 */
public final class TestCertificate {
  private static Path keystore;

  private TestCertificate() { }

  /** Puts the JVM's keystore where the server looks for its self-signed certificate, unless one is there. */
  public static void seed(Path dataDir) {
    try {
      Path target = dataDir.resolve("tls").resolve(ServerCertificate.KEYSTORE);
      if (Files.exists(target)) return;
      Files.createDirectories(target.getParent());
      Files.copy(keystore(), target);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static synchronized Path keystore() throws IOException {
    if (keystore == null) {
      Path directory = Files.createTempDirectory("tributary-test-tls");
      keystore = ServerCertificate.selfSigned(directory);
      keystore.toFile().deleteOnExit();
      directory.toFile().deleteOnExit();
    }
    return keystore;
  }
}
