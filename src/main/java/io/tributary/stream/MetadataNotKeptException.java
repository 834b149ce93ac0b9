package io.tributary.stream;

/** A metadata change that was not made because the catalog could not be written (a full disk, an I/O error). */
public final class MetadataNotKeptException extends RuntimeException {
  public MetadataNotKeptException(Throwable cause) {
    super("the stream catalog could not be written: " + cause.getMessage(), cause);
  }
}
