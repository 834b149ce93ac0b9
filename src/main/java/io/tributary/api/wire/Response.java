package io.tributary.api.wire;

/** The body of a successful answer: the members of the top-level object, written in the request's format. */
@FunctionalInterface
public interface Response {
  /** The answer of an operation whose output shape is empty: sent with no body at all, as AWS sends it. */
  Response EMPTY = writer -> { };

  void writeMembers(ResponseWriter writer);

  /** A guess at the encoded size, so large answers are not copied while they grow. */
  default int sizeHint() { return 256; }
}
