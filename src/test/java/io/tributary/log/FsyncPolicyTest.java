package io.tributary.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class FsyncPolicyTest {

  @Test
  void parsesTheThreePolicies() {
    assertEquals(new FsyncPolicy.Always(), FsyncPolicy.parse("always"));
    assertEquals(new FsyncPolicy.Never(), FsyncPolicy.parse(" NEVER "));
    assertEquals(new FsyncPolicy.Interval(250), FsyncPolicy.parse("interval:250"));
  }

  @Test
  void printsAsItParses() {
    for (String text : new String[] {"always", "never", "interval:1000"}) {
      assertEquals(text, FsyncPolicy.parse(text).toString());
    }
  }

  @Test
  void rejectsAnythingElse() {
    for (String text : new String[] {"", "sometimes", "interval", "interval:", "interval:x", "interval:0", "interval:-5"}) {
      assertThrows(IllegalArgumentException.class, () -> FsyncPolicy.parse(text), text);
    }
  }
}
