package io.steelyard.launcher.keepalived;

import static org.assertj.core.api.Assertions.assertThat;

import io.steelyard.launcher.ConfigFileException;
import io.steelyard.vrrp.Vrrp;
import io.steelyard.vrrp.packet.Version;
import io.steelyard.vrrp.state.InstanceConfig;
import io.steelyard.vrrp.state.State;
import io.steelyard.vrrp.state.Track;
import io.steelyard.vrrp.state.VirtualAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** keepalived.conf read into VRRP builders: every keyword, and every mistake at its file:line. */
class KeepalivedConfigTest {
  /** The seed's keepalived.conf, with a documentation address. */
  private static final String SEED = """
      ! Configuration File for keepalived
      global_defs {
         router_id LVS_DEVEL
         enable_script_security
         script_user root
         vrrp_skip_check_adv_addr
      }
      vrrp_script chk_haproxy {
          script "killall -0 haproxy"   # cheaper than pidof
          interval 2
          weight 2
      }
      vrrp_instance VI_1 {
          interface enp0s3
          state MASTER
          virtual_router_id 51
          priority 101
          advert_int 1
          authentication {
              auth_type PASS
              auth_pass 1111
          }
          virtual_ipaddress {
              198.51.100.110
          }
          track_script {
              chk_haproxy
          }
      }
      """;

  private static KeepalivedConfig parse(String text, boolean withBalancer) {
    return KeepalivedConfig.parse("keepalived.conf", text, withBalancer);
  }

  private static InstanceConfig only(KeepalivedConfig config) {
    assertThat(config.builders()).hasSize(1);
    return config.builders().get(0).config();
  }

  private static List<String> errors(String text) {
    try {
      parse(text, false);
    } catch (ConfigFileException e) {
      return e.errors();
    }
    throw new AssertionError("no error for:\n" + text);
  }

  private static String instance(String body) {
    return "vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 51\n" + body
        + "  virtual_ipaddress {\n    198.51.100.9\n  }\n}\n";
  }

  @Test
  void readsTheSeedFileAlone() {
    KeepalivedConfig config = parse(SEED, false);
    InstanceConfig vi = only(config);
    assertThat(vi.name()).isEqualTo("VI_1");
    assertThat(vi.virtualRouterId()).isEqualTo(51);
    assertThat(vi.priority()).isEqualTo(101);
    assertThat(vi.initialState()).isEqualTo(State.MASTER);
    assertThat(vi.advertInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(new String(vi.authPass(), StandardCharsets.UTF_8)).isEqualTo("1111");
    assertThat(vi.virtualAddresses()).hasToString("[198.51.100.110/32]");
    assertThat(vi.version()).isEqualTo(Version.V2);
    assertThat(vi.tracks()).containsExactly(new Track("chk_haproxy", 2, 1, 1));
    assertThat(config.notes()).containsExactly(
        "[NOTICE] keepalived.conf:3 : 'router_id' does not apply to Steelyard (it sends no e-mail"
            + " alerts; state changes go to the log); ignored",
        "[NOTICE] keepalived.conf:4 : 'enable_script_security' does not apply to Steelyard (it"
            + " runs scripts as the JVM's user and does not check who can write them); ignored",
        "[NOTICE] keepalived.conf:5 : 'script_user' does not apply to Steelyard (scripts run as"
            + " the user of the JVM); ignored",
        "[NOTICE] keepalived.conf:6 : 'vrrp_skip_check_adv_addr' does not apply to Steelyard (it"
            + " checks the addresses of every advert); ignored");
  }

  @Test
  void besideABalancerTheHaproxyProcessCheckBecomesTheBalancerTrackWithItsWeight() {
    KeepalivedConfig config = parse(SEED, true);
    assertThat(only(config).tracks()).as("no script: the balancer's track is added on attach")
        .isEmpty();
    assertThat(config.notes()).contains("[NOTICE] keepalived.conf:27 : vrrp_script 'chk_haproxy'"
        + " ('killall -0 haproxy') checks for an haproxy process, which the launcher does not run:"
        + " the instance tracks its balancer's health instead (weight 2)");
  }

  @Test
  void otherScriptsStayScriptsBesideABalancerAndTheInstanceTracksTheBalancerToo() {
    String text = """
        vrrp_script chk_port { script "/usr/local/bin/check port 80"
          interval 3
          timeout 1
          weight -20
          rise 2
          fall 3
        }
        vrrp_script chk_pid { script "pgrep -x haproxy" }
        """ + instance("  track_script {\n    chk_port weight -30\n  }\n");
    KeepalivedConfig config = parse(text, true);
    assertThat(only(config).tracks()).containsExactly(new Track("chk_port", -30, 2, 3));
    assertThat(config.notes()).containsExactly("[NOTICE] keepalived.conf:9 : vrrp_instance"
        + " 'VI_1' runs beside the balancer of the HAProxy file and tracks its health (weight 0:"
        + " Fault while it is unhealthy)");
  }

  @Test
  void aScriptRunsWithKeepalivedsDefaultsAndItsCommandSplitIntoWords() {
    assertThat(VrrpScriptBlock.class).isNotNull();
    KeepalivedConfig config = parse(
        "vrrp_script s {\n  script \"/bin/check 'a b' c\"\n}\n"
            + instance("  track_script {\n    s\n  }\n"), false);
    assertThat(only(config).tracks()).containsExactly(new Track("s", 0, 1, 1));
    assertThat(KeepalivedValues.command("/bin/check 'a b' \"c d\" e\\ f"))
        .containsExactly("/bin/check", "a b", "c d", "e f");
  }

  @Test
  void readsEveryInstanceKeyword() {
    KeepalivedConfig config = parse("""
        global_defs {
          vrrp_version 3
        }
        vrrp_instance VI_2
        {
          state BACKUP
          interface eth1
          virtual_router_id 7
          priority 150
          advert_int 0.1
          nopreempt
          virtual_ipaddress {
            203.0.113.10/24 brd 203.0.113.255 scope global
            203.0.113.11
          }
          unicast_src_ip 203.0.113.1
          unicast_peer {
            203.0.113.2
            203.0.113.3
          }
          notify_master "/etc/keepalived/master.sh arg"
          notify_backup /etc/keepalived/backup.sh
          notify_fault "/etc/keepalived/fault.sh"
          notify_stop /etc/keepalived/stop.sh
          notify /etc/keepalived/notify.sh
          lvs_sync_daemon_interface eth1
        }
        vrrp_instance VI_3 { interface eth2
          virtual_router_id 8
          version 2
          preempt
          preempt_delay 5.5
          virtual_ipaddress { 203.0.113.20 }
        }
        """, false);
    List<Vrrp.Builder> builders = config.builders();
    assertThat(builders).hasSize(2);
    InstanceConfig vi2 = builders.get(0).config();
    assertThat(vi2.version()).isEqualTo(Version.V3);
    assertThat(vi2.virtualRouterId()).isEqualTo(7);
    assertThat(vi2.priority()).isEqualTo(150);
    assertThat(vi2.initialState()).isEqualTo(State.BACKUP);
    assertThat(vi2.advertInterval()).isEqualTo(Duration.ofMillis(100));
    assertThat(vi2.preempt()).isFalse();
    assertThat(vi2.virtualAddresses())
        .hasToString("[203.0.113.10/24 brd 203.0.113.255, 203.0.113.11/32]");
    assertThat(vi2.unicastSource()).hasValueSatisfying(
        a -> assertThat(a.getHostAddress()).isEqualTo("203.0.113.1"));
    assertThat(vi2.unicastPeers()).extracting(a -> a.getHostAddress())
        .containsExactly("203.0.113.2", "203.0.113.3");
    InstanceConfig vi3 = builders.get(1).config();
    assertThat(vi3.version()).as("its own version wins over global_defs").isEqualTo(Version.V2);
    assertThat(vi3.preempt()).isTrue();
    assertThat(vi3.preemptDelay()).isEqualTo(Duration.ofMillis(5500));
    assertThat(vi3.virtualAddresses()).hasToString("[203.0.113.20/32]");
    assertThat(config.notes()).containsExactly(
        "[NOTICE] keepalived.conf:26 : 'lvs_sync_daemon_interface' does not apply to Steelyard (it"
            + " has no LVS connection table to synchronise); ignored");
  }

  @Test
  void addsTheAddressWithItsBroadcastAndScopeAsKeepalivedDoes() {
    KeepalivedConfig config = parse(instance(
        "  virtual_ipaddress {\n    198.51.100.5/24 brd 198.51.100.255 scope link\n  }\n"), false);
    assertThat(config.notes()).isEmpty();
    VirtualAddress address = config.builders().get(0).config().virtualAddresses().get(0);
    assertThat(address.broadcast()).hasValueSatisfying(
        b -> assertThat(b.getHostAddress()).isEqualTo("198.51.100.255"));
    assertThat(address.scope()).as("link").isEqualTo(253);
  }

  @Test
  void truncatesALongPasswordWithAWarningAsKeepalivedDoes() {
    KeepalivedConfig config = parse(instance(
        "  authentication {\n    auth_type PASS\n    auth_pass secret123456\n  }\n"), false);
    assertThat(new String(only(config).authPass(), StandardCharsets.UTF_8)).isEqualTo("secret12");
    assertThat(config.notes()).containsExactly("[WARNING] keepalived.conf:6 : 'auth_pass' is"
        + " longer than 8 characters; truncating it to 8, as keepalived does");
  }

  @Test
  void commentsQuotesAndBracesAsKeepalivedWritesThem() {
    KeepalivedConfig config = parse("""
        # a comment
        ! another
        vrrp_instance VI_1 { # trailing comment
          interface eth0 ! here too
          virtual_router_id 9
          virtual_ipaddress { 198.51.100.1 198.51.100.2 }
          notify_master "/bin/echo \\#1 !2"
        }
        """.replace("198.51.100.1 198.51.100.2", "198.51.100.1\n 198.51.100.2"), false);
    assertThat(only(config).virtualAddresses()).hasToString("[198.51.100.1/32, 198.51.100.2/32]");
    assertThat(KeepalivedValues.words("notify \"/bin/x # !\" \\#y ! z"))
        .containsExactly("notify", "/bin/x # !", "#y");
  }

  @Test
  void notesTheMailSettingsAndScriptUsersAndRepairsAZeroInterval() {
    KeepalivedConfig config = parse("""
        global_defs {
          notification_email {
            ops@example.org
          }
          notification_email_from lb@example.org
          smtp_server 192.0.2.25
          smtp_connect_timeout 30
        }
        vrrp_script s {
          script /bin/true
          user nobody nogroup
          interval 0
        }
        """ + instance("  track_script {\n    s\n  }\n"), false);
    assertThat(config.notes()).containsExactly(
        "[NOTICE] keepalived.conf:2 : 'notification_email' does not apply to Steelyard (it sends"
            + " no e-mail alerts; state changes go to the log); ignored",
        "[NOTICE] keepalived.conf:5 : 'notification_email_from' does not apply to Steelyard (it"
            + " sends no e-mail alerts; state changes go to the log); ignored",
        "[NOTICE] keepalived.conf:6 : 'smtp_server' does not apply to Steelyard (it sends no"
            + " e-mail alerts; state changes go to the log); ignored",
        "[NOTICE] keepalived.conf:7 : 'smtp_connect_timeout' does not apply to Steelyard (it"
            + " sends no e-mail alerts; state changes go to the log); ignored",
        "[NOTICE] keepalived.conf:11 : 'user' does not apply to Steelyard (scripts run as the"
            + " user of the JVM); ignored",
        "[WARNING] keepalived.conf:12 : 'interval' must be greater than 0; setting it to 1");
  }

  @Test
  void valuesOutOfRangeAreErrorsAtTheirLine() {
    assertThat(errors(instance("  priority 256\n"))).containsExactly(
        "parsing [keepalived.conf:4] : (VI_1) priority must be 1 to 255: 256");
    assertThat(errors(instance("  priority 0\n"))).containsExactly(
        "parsing [keepalived.conf:4] : (VI_1) priority must be 1 to 255: 0");
    assertThat(errors("vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 256\n}\n"))
        .containsExactly(
            "parsing [keepalived.conf:3] : (VI_1) virtual_router_id must be 1 to 255: 256",
            "parsing [keepalived.conf:1] : (VI_1) the virtual router id must be set");
    assertThat(errors("vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 0\n}\n"))
        .first().isEqualTo(
            "parsing [keepalived.conf:3] : (VI_1) virtual_router_id must be 1 to 255: 0");
    assertThat(errors(instance("  advert_int fast\n"))).containsExactly(
        "parsing [keepalived.conf:4] : 'advert_int' expects a number of seconds such as 1 or 0.5"
            + " (got 'fast')");
    assertThat(errors(instance("  state PRIMARY\n"))).containsExactly(
        "parsing [keepalived.conf:4] : 'state' expects MASTER or BACKUP (got 'PRIMARY')");
    assertThat(errors(instance("  version 4\n"))).containsExactly(
        "parsing [keepalived.conf:4] : 'version' expects 2 or 3 (got '4')");
    assertThat(errors(instance("  virtual_ipaddress {\n    198.51.100.300\n  }\n")))
        .containsExactly("parsing [keepalived.conf:5] : virtual address must be an IPv4 address"
            + " with an optional /prefix, brd and scope: '198.51.100.300'");
    assertThat(errors(instance("  virtual_ipaddress {\n    198.51.100.3 dev eth1\n  }\n")))
        .containsExactly("parsing [keepalived.conf:5] : virtual address must be an IPv4 address"
            + " with an optional /prefix, brd and scope: '198.51.100.3 dev eth1': 'dev' is not brd"
            + " or scope, or is given twice");
    assertThat(errors(instance("  authentication {\n    auth_type AH\n  }\n")))
        .first().asString().startsWith("parsing [keepalived.conf:5] : 'auth_type AH' is not");
    assertThat(errors(instance("  priority 100\n  priority 101\n"))).containsExactly(
        "parsing [keepalived.conf:5] : (VI_1) priority was already set to 100");
  }

  @Test
  void aMissingInterfaceOrUnknownTrackScriptIsAnError() {
    assertThat(errors("vrrp_instance VI_1 {\n  virtual_router_id 5\n}\n")).containsExactly(
        "parsing [keepalived.conf:1] : vrrp_instance 'VI_1' has no 'interface' (Steelyard has no"
            + " default interface)");
    assertThat(errors("vrrp_script chk { script true }\n"
        + instance("  track_script {\n    chk_typo weight 5\n  }\n"))).containsExactly(
            "parsing [keepalived.conf:6] : track_script 'chk_typo' names no vrrp_script (there"
                + " are: chk)");
    assertThat(errors("vrrp_script chk {\n  interval 2\n}\n" + instance("")))
        .containsExactly("parsing [keepalived.conf:1] : vrrp_script 'chk' has no 'script'");
  }

  @Test
  void unknownKeywordsAreErrorsNamingTheBlock() {
    assertThat(errors(instance("  garp_master_delay 5\n"))).containsExactly(
        "parsing [keepalived.conf:4] : unknown keyword 'garp_master_delay' in 'vrrp_instance'"
            + " block");
    assertThat(errors("global_defs {\n  vrrp_strict\n}\n" + instance(""))).containsExactly(
        "parsing [keepalived.conf:2] : unknown keyword 'vrrp_strict' in 'global_defs' block");
    assertThat(errors("vrrp_script c {\n  script true\n  init_fail\n}\n" + instance("")))
        .containsExactly(
            "parsing [keepalived.conf:3] : unknown keyword 'init_fail' in 'vrrp_script' block");
    assertThat(errors(instance("  authentication {\n    auth_kind PASS\n  }\n")))
        .containsExactly("parsing [keepalived.conf:5] : unknown keyword 'auth_kind' in"
            + " 'authentication' block");
    assertThat(errors("virtual_server 198.51.100.1 80 {\n  delay_loop 6\n}\n" + instance("")))
        .containsExactly("parsing [keepalived.conf:1] : unknown keyword 'virtual_server' at top"
            + " level (Steelyard reads global_defs, vrrp_script and vrrp_instance blocks)");
    assertThat(errors("include /etc/keepalived/other.conf\n" + instance(""))).containsExactly(
        "parsing [keepalived.conf:1] : 'include' is not supported by Steelyard: give each file"
            + " with its own -f, they are read as one configuration");
    assertThat(errors(instance("  track_script {\n    chk weight 2 reverse\n  }\n")))
        .containsExactly("parsing [keepalived.conf:5] : 'weight ... reverse' is not supported"
            + " by Steelyard");
  }

  @Test
  void structureMistakesAreErrorsAtTheirLine() {
    assertThat(errors("vrrp_instance VI_1 {\n  interface eth0\n")).containsExactly(
        "parsing [keepalived.conf:1] : block 'vrrp_instance' is not closed: a '}' is missing",
        "parsing [keepalived.conf:1] : (VI_1) the virtual router id must be set");
    assertThat(errors(instance("") + "}\n")).containsExactly(
        "parsing [keepalived.conf:8] : extra '}': no block is open");
    assertThat(errors(instance("  notify_master \"/bin/x\n"))).containsExactly(
        "parsing [keepalived.conf:4] : unterminated quote in 'notify_master \"/bin/x'");
    assertThat(errors(instance("") + instance("")))
        .containsExactly("parsing [keepalived.conf:8] : vrrp_instance 'VI_1' is already defined"
            + " at keepalived.conf:1");
    assertThat(errors("vrrp_script\nvrrp_instance VI_1\n")).containsExactly(
        "parsing [keepalived.conf:1] : 'vrrp_script' expects a name",
        "parsing [keepalived.conf:2] : 'vrrp_instance VI_1' expects a block { ... }",
        "config : no vrrp_instance is defined in the keepalived configuration");
    assertThat(errors("global_defs {\n  router_id x\n}\n")).containsExactly(
        "config : no vrrp_instance is defined in the keepalived configuration");
  }
}
