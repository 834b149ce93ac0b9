package io.tributary.api;

import io.tributary.config.Settings;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;

/**
 * What a request must carry to be served ({@code auth.mode}): nothing ({@code off}), a well-formed SigV4
 * signature ({@code shape}), or a valid one for a configured access key ({@code verify}).
 */
public final class Authentication {
  /** The modes of {@code auth.mode}. */
  public enum Mode { OFF, SHAPE, VERIFY }

  private final Mode mode;
  private final SignatureVerifier verifier;

  private Authentication(Mode mode, SignatureVerifier verifier) {
    this.mode = mode;
    this.verifier = verifier;
  }

  /** Reads the settings (and, in verify mode, the credentials file): blocking, so not on an event loop. */
  public static Authentication load(Settings settings, Clock clock) {
    Mode mode = mode(settings.string("auth.mode"));
    SignatureVerifier verifier = mode == Mode.VERIFY
        ? new SignatureVerifier(AccessKeys.load(settings), clock,
            Duration.ofMinutes(settings.longValue("auth.clock.skew.minutes")))
        : null;
    return new Authentication(mode, verifier);
  }

  private static Mode mode(String setting) {
    try {
      return Mode.valueOf(setting.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("setting 'auth.mode' must be off, shape or verify, not '" + setting + "'");
    }
  }

  /**
   * The checks of {@link #authenticate} that need no body, for a request whose large body is not read yet:
   * throws the KinesisException AWS would answer, so the body need never be read.
   */
  public void authenticateHeaders(HttpServerRequest request) {
    if (mode == Mode.OFF) return;
    SignatureShape.Signature signature = SignatureShape.check(request.headers(), request.params());
    if (mode == Mode.VERIFY) verifier.verifyWithoutBody(signature);
  }

  /** The credential a request acts with (null when auth is off), or the KinesisException AWS would answer. */
  public SignatureShape.Credential authenticate(HttpServerRequest request, Buffer body) {
    if (mode == Mode.OFF) return null;
    SignatureShape.Signature signature = SignatureShape.check(request.headers(), request.params());
    if (mode == Mode.VERIFY) verifier.verify(request, body, signature);
    return signature.credential();
  }
}
