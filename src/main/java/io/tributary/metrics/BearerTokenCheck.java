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
 */
final class BearerTokenCheck implements Handler<RoutingContext> {
  static final String REALM = "Bearer realm=\"tributary-management\"";

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
    String given = bearerToken(ctx.request().getHeader("Authorization"));
    if (given == null) {
      ctx.response().putHeader("WWW-Authenticate", REALM);
      ManagementRefusal.refuse(ctx, 401, "this route needs the management token: Authorization: Bearer <token>");
    } else if (!MessageDigest.isEqual(expected, sha256(given))) {
      ctx.response().putHeader("WWW-Authenticate", REALM + ", error=\"invalid_token\"");
      ManagementRefusal.refuse(ctx, 401, "the bearer token is not the management token");
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

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
