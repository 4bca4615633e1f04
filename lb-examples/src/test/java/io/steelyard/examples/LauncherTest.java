package io.steelyard.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher in this JVM: its options, {@code -c}, and the errors it prints. */
class LauncherTest {
  private static final String VALID =
      "defaults\n  timeout connect 5s\n  timeout client 50s\n  timeout server 50s\n"
          + "frontend ft\n  bind 127.0.0.1:0\n  default_backend bk\n"
          + "backend bk\n  server s1 127.0.0.1:1\n";

  @TempDir Path dir;

  private static Launch launch(String... args) throws InterruptedException {
    return Launch.of(args);
  }

  private Path file(String text) throws IOException {
    return Files.writeString(Files.createTempFile(dir, "haproxy", ".cfg"), text);
  }

  @Test
  void checkSaysAValidFileIsValid() throws Exception {
    Launch run = launch("-c", "-f", file("global\n  daemon\n" + VALID).toString());
    assertThat(run.status()).isZero();
    assertThat(run.out()).isEqualTo("Configuration file is valid\n");
    assertThat(run.err()).contains(":2 : 'daemon' does not apply to Steelyard");
  }

  @Test
  void checkPrintsEachErrorOfAnInvalidFileAndExits1() throws Exception {
    Path cfg = file(VALID + "  server s1 127.0.0.1:2\n  foo\n");
    Launch run = launch("-c", "-f", cfg.toString());
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .isEqualTo("[ALERT] parsing [" + cfg + ":10] : backend 'bk', another server named 's1' was already"
            + " defined at line 9, please use distinct names.\n"
            + "[ALERT] parsing [" + cfg + ":11] : unknown keyword 'foo' in 'backend' section\n");
  }

  @Test
  void severalFilesAreReadInOrder() throws Exception {
    Path first = file("defaults\n  timeout connect 5s\n  timeout client 5s\n  timeout server 5s\n");
    Path second = file("listen app\n  bind 127.0.0.1:0\n  server s1 127.0.0.1:1\n");
    Launch run = launch("-c", "-f", first.toString(), "-f", second.toString());
    assertThat(run.status()).isZero();
    assertThat(run.err()).isEmpty();
  }

  @Test
  void aMissingFileIsAnError() throws Exception {
    Launch run = launch("-c", "-f", dir.resolve("nope.cfg").toString());
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).startsWith("[ALERT] config : cannot open configuration file");
  }

  @Test
  void aFrontendThatCannotBindIsAnErrorAndNothingKeepsRunning() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Path cfg = file(VALID.replace("127.0.0.1:0", "127.0.0.1:" + taken.getLocalPort()));
      Launch run = launch("-f", cfg.toString());
      assertThat(run.status()).isEqualTo(1);
      assertThat(run.err())
          .contains("[ALERT] frontend 'ft': cannot bind 127.0.0.1:" + taken.getLocalPort());
    }
  }

  @Test
  void anUnknownOptionPrintsTheUsageAndExits1() throws Exception {
    Launch run = launch("--bogus");
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).startsWith("[ALERT] unknown option '--bogus'\nUsage: java -jar steelyard.jar");
  }

  @Test
  void misplacedOrIncompleteOptionsAreErrors() throws Exception {
    assertThat(launch("-f").err()).startsWith("[ALERT] option '-f' expects a configuration file\n");
    assertThat(launch("-c").err()).startsWith("[ALERT] option '-c' checks the files given with '-f'");
    Launch forever = launch("--forever", "-f", file(VALID).toString());
    assertThat(forever.status()).isEqualTo(1);
    assertThat(forever.err()).startsWith("[ALERT] option '--forever' is for the demo");
  }

  @Test
  void helpPrintsTheUsage() throws Exception {
    Launch run = launch("--help");
    assertThat(run.status()).isZero();
    assertThat(run.out()).isEqualTo(CommandLine.USAGE);
  }
}
