package io.tributary.stream;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the steps that finish a change already kept in the catalog (a stream turning ACTIVE, a reshard
 * being carried out, a deleted stream's data going): such a step must happen, so one that fails (a full
 * disk, a shard log that cannot open) is tried again after a backoff that doubles from
 * {@value #FIRST_BACKOFF_MILLIS} ms to {@value #MAX_BACKOFF_MILLIS} ms, for as long as the server runs. A
 * step whose change no longer applies (its stream is gone) succeeds without doing anything. Failures are
 * logged on the 1st, 2nd, 4th, 8th... attempt, one line each, so a lasting fault does not flood the log.
 */
final class RetriedSteps {
  private static final Logger LOG = LoggerFactory.getLogger(RetriedSteps.class);
  static final long FIRST_BACKOFF_MILLIS = 100;
  static final long MAX_BACKOFF_MILLIS = 5_000;

  private final Vertx vertx;

  RetriedSteps(Vertx vertx) {
    this.vertx = vertx;
  }

  /**
   * Runs the step until it succeeds. The future completes (always successfully) once the first attempt
   * has ended, so a caller can wait for a step that usually succeeds at once without waiting for ever on
   * one that does not.
   */
  Future<Void> run(String what, Supplier<Future<Void>> step) {
    Promise<Void> firstAttempt = Promise.promise();
    attempt(what, step, 1, firstAttempt);
    return firstAttempt.future();
  }

  private void attempt(String what, Supplier<Future<Void>> step, int attempt, Promise<Void> firstAttempt) {
    Future<Void> outcome;
    try {
      outcome = step.get();
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e);
    }
    outcome.onComplete(result -> {
      if (result.failed()) {
        if (Integer.bitCount(attempt) == 1) {
          LOG.warn("{} failed (attempt {}), trying again: {}", what, attempt, String.valueOf(result.cause()));
        }
        long backoff = Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << Math.min(attempt - 1, 16));
        try {
          vertx.setTimer(backoff, tick -> attempt(what, step, attempt + 1, firstAttempt));
        } catch (RuntimeException closing) {
          // the server is stopping: what was left is finished at the next start
        }
      } else if (attempt > 1) {
        LOG.info("{} succeeded after {} attempts", what, attempt);
      }
      firstAttempt.tryComplete();
    });
  }
}
