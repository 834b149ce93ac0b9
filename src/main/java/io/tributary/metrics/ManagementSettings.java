package io.tributary.metrics;

import io.tributary.config.Settings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The management port's settings: the address it binds ({@code management.host}), the bearer token its
 * data routes require ({@code management.token} or the trimmed content of {@code management.token.file};
 * null when neither is set), whether the probes require it too ({@code management.probes.auth}) and the
 * largest body a route reads ({@code management.body.bytes}). {@link #toString} never shows the token.
 */
public record ManagementSettings(String host, String token, boolean probesAuth, long bodyBytes) {

  /**
   * Reads the settings and the token file, and refuses a management port that would be open beyond this
   * machine without a token. Blocking (the file, resolving the host), so never on an event loop.
   */
  public static ManagementSettings load(Settings settings) {
    String host = settings.string("management.host");
    String inline = settings.string("management.token");
    String file = settings.string("management.token.file");
    if (!inline.isEmpty() && !file.isEmpty()) {
      throw new IllegalArgumentException("set one of 'management.token' and 'management.token.file', not both");
    }
    String token = !file.isEmpty() ? readToken(Path.of(file)) : inline.isEmpty() ? null : inline;
    long bodyBytes = settings.longValue("management.body.bytes");
    if (bodyBytes < 1) throw new IllegalArgumentException("setting 'management.body.bytes' must be at least 1");
    if (token == null && !isLoopback(host)) {
      throw new IllegalArgumentException("the management port would listen on " + host + ", which is not a "
          + "loopback address, without a token: set 'management.token' or 'management.token.file' "
          + "(env TRIBUTARY_MANAGEMENT_TOKEN), or bind 'management.host' to 127.0.0.1");
    }
    return new ManagementSettings(host, token, settings.bool("management.probes.auth"), bodyBytes);
  }

  /** True when every address the host names is a loopback address. */
  static boolean isLoopback(String host) {
    try {
      InetAddress[] addresses = InetAddress.getAllByName(host);
      for (InetAddress address : addresses) if (!address.isLoopbackAddress()) return false;
      return addresses.length > 0;
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("setting 'management.host': cannot resolve '" + host + "'", e);
    }
  }

  private static String readToken(Path file) {
    String token;
    try {
      token = Files.readString(file, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read management.token.file " + file + ": " + e, e);
    }
    if (token.isEmpty()) throw new IllegalArgumentException("management.token.file " + file + " is empty");
    return token;
  }

  @Override
  public String toString() {
    return "ManagementSettings[host=" + host + ", token=" + (token == null ? "none" : "****") + ", probesAuth="
        + probesAuth + ", bodyBytes=" + bodyBytes + "]";
  }
}
