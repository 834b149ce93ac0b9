package io.tributary;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.TestServer;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A start that cannot complete fails at once with a message naming what went wrong, and leaves nothing
 * behind: the data directory's lock is released, so the same directory starts once the port is free.
 */
@Timeout(60)
class StartupTest {

  @Test
  void aTakenApiPortFailsTheStartNamingTheListenerAndReleasesTheDataDirectory() throws Exception {
    Path dataDir = Files.createTempDirectory("tributary-startup");
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String port = String.valueOf(taken.getLocalPort());
      Exception failure = assertThrows(Exception.class,
          () -> TestServer.start(Map.of("port", port, "data.dir", dataDir.toString())));
      assertTrue(failure.getMessage().contains("the api verticle") && failure.getMessage().contains("port " + port),
          failure.getMessage());
      assertInstanceOf(BindException.class, failure.getCause(), "the cause is the bind: " + failure);
    }
    try (TestServer server = TestServer.start(Map.of("data.dir", dataDir.toString()))) {
      assertTrue(server.server().services().ready().get());
    }
  }

  @Test
  void aTakenManagementPortFailsTheStart() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String port = String.valueOf(taken.getLocalPort());
      Exception failure = assertThrows(Exception.class,
          () -> TestServer.start(Map.of("management.port", port)));
      assertTrue(failure.getMessage().contains("the management verticle"), failure.getMessage());
    }
  }
}
