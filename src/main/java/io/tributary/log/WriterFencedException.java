package io.tributary.log;

/** An append of a writer's generation that a newer generation of the same writer has fenced off. */
public final class WriterFencedException extends RuntimeException {
  public WriterFencedException(String message) {
    super(message, null, false, false);
  }
}
