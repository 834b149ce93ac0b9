package io.tributary.metrics;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Set;

/**
 * Requires {@code Authorization: Bearer <token>} on every management route but the open paths, before any
 * body is read. A missing or wrong token gets 401 with {@code WWW-Authenticate: Bearer} (RFC 6750). The
 * comparison is of SHA-256 digests with {@link MessageDigest#isEqual}, so its time depends neither on where
 * a wrong token differs nor on its length.
 *
 * <p>A browser cannot add a bearer token to a page it opens, so the web console ({@code /console...}) also
 * takes HTTP Basic authentication with the token as the password (any user name), and challenges with
 * {@code Basic}: the browser asks for it once and sends it with every request of the console's pages.
 */
final class BearerTokenCheck implements Handler<RoutingContext> {
  static final String REALM = "Bearer realm=\"tributary-management\"";
  static final String CONSOLE_REALM = "Basic realm=\"tributary-console\", charset=\"UTF-8\"";

  private final byte[] expected;
  private final Set<String> openPaths;

  BearerTokenCheck(String token, Set<String> openPaths) {
    this.expected = sha256(token);
    this.openPaths = Set.copyOf(openPaths);
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (openPaths.contains(ctx.normalizedPath())) {
      ctx.next();
      return;
    }
    String path = ctx.normalizedPath();
    boolean console = path.equals("/console") || path.startsWith("/console/");
    String authorization = ctx.request().getHeader("Authorization");
    String given = bearerToken(authorization);
    if (given == null && console) given = basicPassword(authorization);
    if (given == null) {
      ctx.response().putHeader("WWW-Authenticate", console ? CONSOLE_REALM : REALM);
      ManagementRefusal.refuse(ctx, 401, console
          ? "the console needs the management token: as the password (HTTP Basic), or Authorization: Bearer <token>"
          : "this route needs the management token: Authorization: Bearer <token>");
    } else if (!MessageDigest.isEqual(expected, sha256(given))) {
      ctx.response().putHeader("WWW-Authenticate", console ? CONSOLE_REALM : REALM + ", error=\"invalid_token\"");
      ManagementRefusal.refuse(ctx, 401, console ? "that is not the management token" : "the bearer token is not the management token");
    } else {
      ctx.next();
    }
  }

  /** The credentials of a {@code Bearer} authorization (scheme case-insensitive), or null. */
  private static String bearerToken(String authorization) {
    if (authorization == null) return null;
    String value = authorization.trim();
    int space = value.indexOf(' ');
    if (space < 0 || !value.substring(0, space).equalsIgnoreCase("Bearer")) return null;
    String token = value.substring(space + 1).trim();
    return token.isEmpty() ? null : token;
  }

  /** The password of a {@code Basic} authorization (user:password in base64), or null. */
  private static String basicPassword(String authorization) {
    if (authorization == null) return null;
    String value = authorization.trim();
    int space = value.indexOf(' ');
    if (space < 0 || !value.substring(0, space).equalsIgnoreCase("Basic")) return null;
    try {
      String pair = new String(java.util.Base64.getDecoder().decode(value.substring(space + 1).trim()), StandardCharsets.UTF_8);
      int colon = pair.indexOf(':');
      return colon < 0 || colon == pair.length() - 1 ? null : pair.substring(colon + 1);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
