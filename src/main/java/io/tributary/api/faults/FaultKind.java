package io.tributary.api.faults;

/** What an injected fault does, by the name rules give it. */
public enum FaultKind {
  /** Throttles the call as its operation reports throttling (see {@link FaultInjector}). */
  PROVISIONED_THROUGHPUT_EXCEEDED("ProvisionedThroughputExceeded"),
  /** Answers 500 InternalFailure, the one server error AWS's Kinesis answers. */
  INTERNAL_FAILURE("InternalFailure"),
  /** Delays the call by the rule's latency before it runs. */
  LATENCY("latency");

  private final String ruleName;

  FaultKind(String ruleName) {
    this.ruleName = ruleName;
  }

  public String ruleName() { return ruleName; }

  /** The kind of that name, or null. */
  public static FaultKind named(String name) {
    for (FaultKind kind : values()) if (kind.ruleName.equals(name)) return kind;
    return null;
  }
}
