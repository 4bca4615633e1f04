package io.steelyard.examples;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The launcher's arguments, in HAProxy's spelling where HAProxy has them: {@code -f FILE} (several
 * times for several files, read in order), {@code -c} to check only; with no file, the demo, and
 * {@code --forever} to keep it running until Ctrl-C.
 *
 * @param files the configuration files; none for the demo
 * @param check whether to check the files and exit
 * @param forever whether the demo runs until a signal
 * @param help whether to print the usage and exit
 */
record CommandLine(List<Path> files, boolean check, boolean forever, boolean help) {

  static final String USAGE =
      "Usage: java -jar steelyard.jar [-c] -f <haproxy.cfg> [-f <file>]...\n"
          + "       java -jar steelyard.jar [--forever]\n"
          + "\n"
          + "  -f <file>   run the HAProxy-style configuration file (TCP mode); repeat for more\n"
          + "              files, read in order as one configuration\n"
          + "  -c          only check the configuration: exit 0 if it is valid, 1 if not\n"
          + "  --forever   with no -f: run the demo until Ctrl-C instead of for 10 seconds\n"
          + "  -h, --help  print this message\n"
          + "\n"
          + "With no -f, runs the demo: three servers behind a leastconn balancer on 127.0.0.1.\n"
          + "SIGTERM and SIGINT (Ctrl-C) stop gracefully.\n";

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
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "-f":
          if (i + 1 == args.length) {
            throw new IllegalArgumentException("option '-f' expects a configuration file");
          }
          files.add(Path.of(args[++i]));
          break;
        case "-c":
          check = true;
          break;
        case "--forever":
          forever = true;
          break;
        case "-h":
        case "--help":
          help = true;
          break;
        default:
          throw new IllegalArgumentException("unknown option '" + args[i] + "'");
      }
    }
    if (check && files.isEmpty()) {
      throw new IllegalArgumentException(
          "option '-c' checks the files given with '-f': none given");
    }
    if (forever && !files.isEmpty()) {
      throw new IllegalArgumentException("option '--forever' is for the demo, which takes no '-f'");
    }
    return new CommandLine(List.copyOf(files), check, forever, help);
  }
}
