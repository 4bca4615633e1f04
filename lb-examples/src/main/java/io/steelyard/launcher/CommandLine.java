package io.steelyard.launcher;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The launcher's arguments, in HAProxy's spelling where HAProxy has them: {@code -f FILE} (several
 * times for several files, read in order), {@code -c} to check only; with no file, the demo, and
 * {@code --forever} to keep it running until Ctrl-C. For a file that needs the TPROXY transport
 * ({@code transparent}, {@code usesrc}): {@code --tproxy-rules} to apply
 * the routing rules at start and remove them on stop, {@code --tproxy-rules=external} when the
 * host's firewall has them, and {@code --print-tproxy-rules} to print them and exit. {@code -de}
 * (HAProxy's) and {@code -du} turn epoll and io_uring off, as {@code noepoll} and {@code nouring}
 * in {@code global} do. {@code --jvm-options} prints the JVM options that {@code bin/steelyard}
 * runs the same arguments with ({@link JvmSettings}). {@code -L NAME} (HAProxy's) is the local
 * peer name: which peer of the files' {@code peers} sections this balancer is, over {@code
 * localpeer} in {@code global} and the host name; given twice, the last one counts, as in HAProxy.
 *
 * @param files the configuration files; none for the demo
 * @param check whether to check the files and exit
 * @param forever whether the demo runs until a signal
 * @param help whether to print the usage and exit
 * @param rules what the launcher does about the TPROXY routing rules
 * @param printRules whether to print the TPROXY routing rules and exit
 * @param noEpoll whether epoll is turned off
 * @param noUring whether io_uring is turned off
 * @param jvmOptions whether to print the JVM options for these arguments and exit
 * @param localPeer the local peer name {@code -L} gives, or {@code null} when not given
 */
record CommandLine(
    List<Path> files, boolean check, boolean forever, boolean help, Rules rules,
    boolean printRules, boolean noEpoll, boolean noUring, boolean jvmOptions, String localPeer) {

  /** What the launcher does about the TPROXY routing rules of a file that needs them. */
  enum Rules {
    /** Without an option: start fails, listing them, when they are missing. */
    CHECK,
    /** {@code --tproxy-rules}: applies them at start and removes them on stop. */
    APPLY,
    /** {@code --tproxy-rules=external}: the host's firewall has them; nothing is checked. */
    EXTERNAL
  }

  static final String USAGE =
      "Usage: java -jar steelyard.jar [-c] [-de] [-du] [-L <name>] [--tproxy-rules[=external]]"
          + " -f <haproxy.cfg> [-f <keepalived.conf>]...\n"
          + "       java -jar steelyard.jar --print-tproxy-rules [-f <haproxy.cfg>]...\n"
          + "       java -jar steelyard.jar [--forever]\n"
          + "\n"
          + "  -f <file>   run the HAProxy-style configuration file (TCP mode) or keepalived.conf;\n"
          + "              repeat for more files, each kind read in order as one configuration;\n"
          + "              a keepalived.conf alone runs VRRP without a balancer\n"
          + "  -c          only check the configuration: exit 0 if it is valid, 1 if not\n"
          + "  -L <name>   the local peer name: this balancer is the peer of that name in the\n"
          + "              'peers' sections (over 'localpeer' in 'global'; default: host name)\n"
          + "  -de, -du    do not use epoll, io_uring (as 'noepoll', 'nouring' in 'global'):\n"
          + "              the first transport left runs of epoll, io_uring and NIO\n"
          + "  --forever   with no -f: run the demo until Ctrl-C instead of for 10 seconds\n"
          + "  --tproxy-rules\n"
          + "              add the TPROXY routing rules (iptables or nft, and ip rule/route; IPv6\n"
          + "              too if a bind or server address is IPv6) at start and remove them on\n"
          + "              stop, SIGTERM and SIGINT included; needs root or CAP_NET_ADMIN\n"
          + "  --tproxy-rules=external\n"
          + "              the host's firewall sets the routing rules up: do not check them\n"
          + "  --print-tproxy-rules\n"
          + "              print the commands that add the routing rules (for the files given\n"
          + "              with -f, if any) and exit\n"
          + "  --jvm-options\n"
          + "              print the JVM options that bin/steelyard runs these arguments with\n"
          + "              (heap and direct memory from maxconn, the collector) and exit\n"
          + "  -h, --help  print this message\n"
          + "\n"
          + "With no -f, runs the demo: three servers behind a leastconn balancer on 127.0.0.1.\n"
          + "SIGTERM and SIGINT (Ctrl-C) stop gracefully.\n"
          + "\n"
          + "A file with 'bind ... transparent' or 'source ... usesrc' runs on the TPROXY\n"
          + "transport (Linux epoll, IP_TRANSPARENT), which needs CAP_NET_ADMIN; without\n"
          + "--tproxy-rules or --tproxy-rules=external, it starts only if the routing rules are\n"
          + "in place, and lists those missing otherwise. -c needs neither.\n";

  /**
   * Reads {@code args}.
   *
   * @throws IllegalArgumentException naming the argument that is unknown, incomplete or out of
   *     place
   */
  static CommandLine parse(String... args) {
    List<Path> files = new ArrayList<>();
    boolean check = false;
    boolean forever = false;
    boolean help = false;
    Rules rules = Rules.CHECK;
    boolean printRules = false;
    boolean noEpoll = false;
    boolean noUring = false;
    boolean jvmOptions = false;
    String localPeer = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "-f":
          if (i + 1 == args.length) {
            throw new IllegalArgumentException("option '-f' expects a configuration file");
          }
          files.add(Path.of(args[++i]));
          break;
        case "-L":
          if (i + 1 == args.length) {
            throw new IllegalArgumentException("option '-L' expects a local peer name");
          }
          localPeer = args[++i];
          break;
        case "-c":
          check = true;
          break;
        case "-de":
          noEpoll = true;
          break;
        case "-du":
          noUring = true;
          break;
        case "--forever":
          forever = true;
          break;
        case "--tproxy-rules":
        case "--tproxy-rules=apply":
          rules = Rules.APPLY;
          break;
        case "--tproxy-rules=external":
          rules = Rules.EXTERNAL;
          break;
        case "--print-tproxy-rules":
          printRules = true;
          break;
        case "--jvm-options":
          jvmOptions = true;
          break;
        case "-h":
        case "--help":
          help = true;
          break;
        default:
          throw new IllegalArgumentException("unknown option '" + args[i] + "'");
      }
    }
    if (printRules && (check || forever)) {
      throw new IllegalArgumentException(
          "option '--print-tproxy-rules' prints the rules and exits: it takes no '"
              + (check ? "-c" : "--forever") + "'");
    }
    if (check && files.isEmpty()) {
      throw new IllegalArgumentException(
          "option '-c' checks the files given with '-f': none given");
    }
    if (forever && !files.isEmpty()) {
      throw new IllegalArgumentException("option '--forever' is for the demo, which takes no '-f'");
    }
    if (rules != Rules.CHECK && files.isEmpty()) {
      throw new IllegalArgumentException(
          "option '--tproxy-rules' is for the files given with '-f': none given");
    }
    if (localPeer != null && files.isEmpty()) {
      throw new IllegalArgumentException(
          "option '-L' names the local peer of the files given with '-f': none given");
    }
    return new CommandLine(List.copyOf(files), check, forever, help, rules, printRules, noEpoll,
        noUring, jvmOptions, localPeer);
  }
}
