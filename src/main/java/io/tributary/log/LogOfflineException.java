package io.tributary.log;

/**
 * A shard log is offline: a write or fsync failed (a full disk, an I/O error), the log was cut back to
 * what it had acknowledged, and it takes no appends until a retry finds it can write again. Reads of
 * acknowledged records go on. Callers may retry the append later.
 */
public final class LogOfflineException extends RuntimeException {
  public LogOfflineException(String log, Throwable cause) {
    super("shard log " + log + " is offline after a failed write: " + cause, cause, false, false);
  }
}
