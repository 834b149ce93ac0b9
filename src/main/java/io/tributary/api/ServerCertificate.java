package io.tributary.api;

import io.tributary.config.Settings;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PfxOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The key and certificate of the TLS port: the PEM files named by {@code tls.cert} and {@code tls.key}
 * when both are set; otherwise a self-signed certificate for {@code localhost} and {@code 127.0.0.1},
 * made on first start with the JDK's {@code keytool} and kept in {@code <data.dir>/tls/server.p12}, so
 * clients that pinned it keep working across restarts.
 *
 * <p>The keystore's password is a fixed, published string: it guards nothing (the file's permissions do),
 * PKCS#12 just requires one.
 */
public final class ServerCertificate {
  public static final String KEYSTORE = "server.p12";
  public static final String KEYSTORE_PASSWORD = "tributary";
  private static final long KEYTOOL_TIMEOUT_SECONDS = 60;

  private ServerCertificate() { }

  /** The key material to serve. Blocking (may run keytool): call on a worker. */
  public static synchronized KeyCertOptions keyCertOptions(Settings settings) {
    String cert = settings.string("tls.cert");
    String key = settings.string("tls.key");
    if (!cert.isEmpty() || !key.isEmpty()) {
      if (cert.isEmpty() || key.isEmpty()) {
        throw new IllegalArgumentException("settings 'tls.cert' and 'tls.key' must be set together (PEM files)");
      }
      for (String file : List.of(cert, key)) {
        if (!Files.isReadable(Path.of(file))) throw new IllegalArgumentException("cannot read TLS PEM file " + file);
      }
      return new PemKeyCertOptions().setCertPath(cert).setKeyPath(key);
    }
    Path keystore = selfSigned(settings.path("data.dir").resolve("tls"));
    return new PfxOptions().setPath(keystore.toString()).setPassword(KEYSTORE_PASSWORD);
  }

  /** The self-signed keystore in this directory, made first if missing. Blocking. */
  public static synchronized Path selfSigned(Path directory) {
    Path keystore = directory.resolve(KEYSTORE);
    if (Files.isRegularFile(keystore)) return keystore;
    try {
      Files.createDirectories(directory);
      Path partial = Files.createTempFile(directory, KEYSTORE, ".partial");
      try {
        Files.delete(partial); // keytool refuses to write into an existing, empty keystore file
        generate(partial);
        restrictToOwner(partial);
        try {
          Files.move(partial, keystore, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(partial, keystore);
        }
      } finally {
        Files.deleteIfExists(partial);
      }
      return keystore;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make the self-signed TLS certificate in " + directory, e);
    }
  }

  private static void generate(Path keystore) throws IOException {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    List<String> command = List.of(keytool.toString(),
        "-J-XX:TieredStopAtLevel=1", "-J-Xmx64m",
        "-genkeypair", "-alias", "tributary", "-keyalg", "RSA", "-keysize", "2048", "-sigalg", "SHA256withRSA",
        "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "3650",
        "-storetype", "PKCS12", "-keystore", keystore.toString(),
        "-storepass", KEYSTORE_PASSWORD, "-keypass", KEYSTORE_PASSWORD, "-noprompt");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    try {
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!process.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("keytool did not finish within " + KEYTOOL_TIMEOUT_SECONDS + " s");
      }
      if (process.exitValue() != 0 || !Files.isRegularFile(keystore)) {
        throw new IOException("keytool failed (exit " + process.exitValue() + "): " + output);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while keytool ran", e);
    }
  }

  private static void restrictToOwner(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // the directory's own permissions apply
    }
  }
}
