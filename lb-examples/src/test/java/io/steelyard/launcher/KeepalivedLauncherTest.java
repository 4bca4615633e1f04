package io.steelyard.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.steelyard.launcher.keepalived.KeepalivedConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher in this JVM with a keepalived.conf: {@code -c} on it alone and beside a haproxy.cfg. */
class KeepalivedLauncherTest {
  private static final String HAPROXY =
      "defaults\n  timeout connect 5s\n  timeout client 50s\n  timeout server 50s\n"
          + "frontend ft\n  bind 127.0.0.1:0\n  default_backend bk\n"
          + "backend bk\n  server s1 127.0.0.1:1 check\n";

  private static final String KEEPALIVED = """
      vrrp_script chk_haproxy {
        script "pidof haproxy"
        interval 2
        weight -10
      }
      vrrp_instance VI_1 {
        interface eth0
        virtual_router_id 51
        priority 100
        virtual_ipaddress {
          198.51.100.110/32
        }
        track_script {
          chk_haproxy
        }
      }
      """;

  @TempDir Path dir;

  private Path file(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  @Test
  void checksAPairOfFilesInEitherOrderAndNotesTheReplacedScript() throws Exception {
    Path cfg = file("haproxy.cfg", HAPROXY);
    Path conf = file("keepalived.conf", KEEPALIVED);
    for (String[] args : new String[][] {
        {"-c", "-f", cfg.toString(), "-f", conf.toString()},
        {"-c", "-f", conf.toString(), "-f", cfg.toString()}}) {
      Launch run = Launch.of(args);
      assertThat(run.status()).as(run.err()).isZero();
      assertThat(run.out()).isEqualTo("Configuration file is valid\n");
      assertThat(run.err()).contains("[NOTICE] " + conf + ":14 : vrrp_script 'chk_haproxy' ('pidof"
          + " haproxy') checks for an haproxy process, which the launcher does not run: the"
          + " instance tracks its balancer's health instead (weight -10)");
    }
  }

  @Test
  void checksAKeepalivedFileAlone() throws Exception {
    Path conf = file("keepalived.conf", KEEPALIVED);
    Launch run = Launch.of("-c", "-f", conf.toString());
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("Configuration file is valid\n");
    assertThat(run.err()).as("alone, the script runs as it is").doesNotContain("[NOTICE]");
  }

  @Test
  void printsTheErrorsOfBothFiles() throws Exception {
    Path cfg = file("haproxy.cfg", HAPROXY + "  frobnicate\n");
    Path conf = file("keepalived.conf", KEEPALIVED.replace("priority 100", "priority 300"));
    Launch run = Launch.of("-c", "-f", cfg.toString(), "-f", conf.toString());
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .contains("[ALERT] parsing [" + cfg + ":10] : unknown keyword 'frobnicate'")
        .contains("[ALERT] parsing [" + conf + ":9] : (VI_1) priority must be 1 to 255: 300");
  }

  @Test
  void aFileOfNeitherKindIsAnError() throws Exception {
    Path odd = file("odd.conf", "frobnicate 1\n");
    Launch run = Launch.of("-c", "-f", odd.toString());
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains("[ALERT] parsing [" + odd + ":1] : cannot tell whether this is"
        + " an HAProxy or a keepalived configuration: its first keyword 'frobnicate'");
  }

  @Test
  void aNulCharacterIsAnErrorAtItsLineAsInAnHaproxyFile() throws Exception {
    Path conf = file("keepalived.conf", KEEPALIVED.replace("interval 2", "interval\0 2"));
    String error = "parsing [" + conf + ":3]: Stray NUL character at position 11.";
    Launch run = Launch.of("-c", "-f", conf.toString());
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("[ALERT] " + error + "\n");
    assertThatThrownBy(() -> KeepalivedConfig.read(List.of(conf), false))
        .isInstanceOf(ConfigFileException.class)
        .hasMessage(error);
  }

  @Test
  void aLineLongerThan64KiBIsAnErrorAtItsLine() throws Exception {
    Path conf = file("keepalived.conf", KEEPALIVED + "# " + "x".repeat(64 * 1024) + "\n");
    assertThatThrownBy(() -> KeepalivedConfig.read(List.of(conf), false))
        .isInstanceOf(ConfigFileException.class)
        .hasMessage("parsing [" + conf + ":17]: line too long, limited to 65536 bytes.");
  }

  @Test
  void aMissingInterfaceIsAClearErrorAtStart() throws Exception {
    Path conf = file("keepalived.conf", KEEPALIVED.replace("eth0", "sy-no-such0"));
    Launch run = Launch.of("-f", conf.toString());
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains("[ALERT] vrrp_instance 'VI_1' (" + conf + ":6) cannot start:")
        .contains("sy-no-such0");
  }
}
