package io.tributary.api.wire;

/** The shapes a request member can take in the Kinesis model. */
public enum MemberType {
  STRING("String"),
  INTEGER("Integer"),
  LONG("Long"),
  BOOLEAN("Boolean"),
  BLOB("Blob"),
  TIMESTAMP("Timestamp"),
  LIST("List"),
  MAP("Map"),
  STRUCTURE("Structure");

  /** The Java class name AWS's front end prints in type-conversion errors. */
  final String javaName;

  MemberType(String javaName) {
    this.javaName = javaName;
  }
}
