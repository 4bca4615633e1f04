package io.steelyard.lb.cli;

import io.steelyard.lb.Balancer;
import io.steelyard.lb.config.BackendConfig;
import io.steelyard.lb.config.FrontendConfig;
import io.steelyard.lb.config.SocketAddresses;
import io.steelyard.lb.health.CheckOutcome;
import io.steelyard.lb.health.CheckStats;
import io.steelyard.lb.health.ServerStatus;
import io.steelyard.lb.stats.BackendStats;
import io.steelyard.lb.stats.FrontendStats;
import io.steelyard.lb.stats.ServerStats;
import io.steelyard.lb.stats.SessionTimes;
import io.steelyard.lb.stats.Stats;
import io.steelyard.lb.stats.Traffic;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code show stat [<iid> <type> <sid>] [no-maint|up]*}: HAProxy 2.6's CSV, one line per
 * frontend, server and backend, with its header and field order.
 *
 * <p><b>Proxies.</b> HAProxy numbers its proxies ({@code iid}) in the order of the configuration;
 * Steelyard numbers its frontends in order from 1, then the backends that are not also a
 * frontend (a {@code listen} section is both and keeps one number). Each proxy prints its
 * {@code FRONTEND} line, its servers, then its {@code BACKEND} line. A server's {@code sid} is its
 * id plus one, as HAProxy's {@code puid}. {@code type} is 0 for a frontend, 1 for a backend, 2 for a
 * server; the filter's {@code <type>} is a mask (1 frontends, 2 backends, 4 servers, -1 all), its
 * {@code <iid>} a number or a proxy's name, its {@code <sid>} a server's sid or -1; the filter applies
 * only with its three words, as in HAProxy.
 *
 * <p><b>Status.</b> Frontends are {@code OPEN}; backends {@code UP} while a server takes new
 * clients, else {@code DOWN}; servers {@code MAINT}, {@code DRAIN}, {@code UP}, {@code DOWN},
 * {@code no check} (up and not checked), and while checks change the state {@code UP 1/3} (up,
 * failing: health-rise+1 of fall) or {@code DOWN 1/2} (down, passing: health of rise), {@code DRAIN
 * 1/3} likewise.
 *
 * <p><b>Fields.</b> Given from Steelyard's figures, where HAProxy gives them: pxname, svname, qcur,
 * qmax, scur, smax, slim, stot, bin, bout, dreq, dresp, ereq, econ, eresp, wretr, wredis, status,
 * weight, act, bck, chkfail, chkdown, lastchg, downtime (backends with servers, checked servers),
 * qlimit, pid, iid, sid, lbtot (connections sent to the server), type, rate and rate_max
 * (sessions over the last second, and the most), conn_rate and conn_rate_max (frontends),
 * check_status, check_duration, check_desc, check_rise, check_fall, check_health, cli_abrt and
 * srv_abrt (sessions that ended CD or cD, SD or sD), lastsess (seconds since the last session, -1
 * before the first), qtime, ctime, rtime and ttime (milliseconds, averaged over the last 1,024
 * sessions that reached a server; rtime is 0 in TCP mode, as HAProxy's) and their maxima, addr
 * and algo (shown from {@link Level#OPERATOR} up, as HAProxy does), mode ({@code tcp}), conn_tot,
 * uweight. Empty because they do not apply to Steelyard, as HAProxy leaves them empty where they
 * do not apply: the HTTP, compression, cache, agent, tracking, throttle, cookie and
 * connection-reuse fields. HAProxy ends each line with a {@code -} column and
 * the counters of its SSL, HTTP/2 and HTTP/1 modules; Steelyard has none and ends at {@code
 * agg_check_status}.
 */
final class StatCsv {
  static final List<String> FIELDS =
      List.of(
          ("pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,"
                  + "wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,"
                  + "iid,sid,throttle,lbtot,tracked,type,rate,rate_lim,rate_max,check_status,"
                  + "check_code,check_duration,hrsp_1xx,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,"
                  + "hrsp_other,hanafail,req_rate,req_rate_max,req_tot,cli_abrt,srv_abrt,comp_in,"
                  + "comp_out,comp_byp,comp_rsp,lastsess,last_chk,last_agt,qtime,ctime,rtime,ttime,"
                  + "agent_status,agent_code,agent_duration,check_desc,agent_desc,check_rise,"
                  + "check_fall,check_health,agent_rise,agent_fall,agent_health,addr,cookie,mode,"
                  + "algo,conn_rate,conn_rate_max,conn_tot,intercepted,dcon,dses,wrew,connect,reuse,"
                  + "cache_lookups,cache_hits,srv_icur,src_ilim,qtime_max,ctime_max,rtime_max,"
                  + "ttime_max,eint,idle_conn_cur,safe_conn_cur,used_conn_cur,need_conn_est,uweight,"
                  + "agg_server_status,agg_server_check_status,agg_check_status")
              .split(","));

  static final String HEADER = "# " + String.join(",", FIELDS) + ",\n";

  private static final Map<String, Integer> INDEX = new HashMap<>();

  static {
    for (int i = 0; i < FIELDS.size(); i++) {
      INDEX.put(FIELDS.get(i), i);
    }
  }

  private static final int FRONTEND = 1;
  private static final int BACKEND = 2;
  private static final int SERVER = 4;

  private StatCsv() {}

  /** The answer to {@code show stat} with its arguments in {@code words}. */
  static String show(Balancer balancer, List<String> words, boolean operator) {
    Stats stats = balancer.stats();
    Map<String, Integer> iids = iids(stats);
    int iid = -1;
    int type = -1;
    int sid = -1;
    int options = 2;
    if (words.size() >= 5) {
      Integer named = iids.get(words.get(2));
      iid = named != null ? named : number(words.get(2));
      if (iid == 0) {
        return "No such proxy.\n";
      }
      type = number(words.get(3));
      sid = number(words.get(4));
      options = 5;
    }
    boolean hideMaint = false;
    boolean hideDown = false;
    for (String option : words.subList(options, words.size())) {
      if (option.equals("typed") || option.equals("json")) {
        return "Steelyard answers 'show stat' in CSV only.\n";
      }
      hideMaint |= option.equals("no-maint");
      hideDown |= option.equals("up");
    }
    StringBuilder csv = new StringBuilder(HEADER);
    Map<String, FrontendConfig> frontendConfigs = new HashMap<>();
    balancer.config().frontends().forEach(f -> frontendConfigs.put(f.name(), f));
    Map<String, BackendConfig> backendConfigs = new HashMap<>();
    balancer.config().backends().forEach(b -> backendConfigs.put(b.name(), b));
    for (Map.Entry<String, Integer> proxy : iids.entrySet()) {
      if (iid != -1 && iid != proxy.getValue()) {
        continue;
      }
      String name = proxy.getKey();
      FrontendConfig frontendConfig = frontendConfigs.get(name);
      BackendConfig backendConfig = backendConfigs.get(name);
      if (frontendConfig != null && (type & FRONTEND) != 0) {
        csv.append(line(frontend(stats.frontend(name), frontendConfig, proxy.getValue())));
      }
      if (backendConfig == null) {
        continue;
      }
      BackendStats backend = stats.backend(name);
      if ((type & SERVER) != 0) {
        for (ServerStats server : backend.servers()) {
          boolean hidden = (hideMaint && server.status() == ServerStatus.MAINT)
              || (hideDown && !server.status().takesStuckClients());
          if ((sid == -1 || sid == server.sid()) && !hidden) {
            csv.append(line(server(name, server, proxy.getValue(), operator)));
          }
        }
      }
      if ((type & BACKEND) != 0) {
        csv.append(line(backend(backend, backendConfig, proxy.getValue(), operator)));
      }
    }
    return csv.toString();
  }

  /** The proxies by name in order, each with its number from 1. */
  private static Map<String, Integer> iids(Stats stats) {
    Map<String, Integer> iids = new LinkedHashMap<>();
    stats.frontends().forEach(f -> iids.putIfAbsent(f.name(), iids.size() + 1));
    stats.backends().forEach(b -> iids.putIfAbsent(b.name(), iids.size() + 1));
    return iids;
  }

  /** {@code atoi}: the leading number of {@code text}, 0 when none. */
  private static int number(String text) {
    int end = text.startsWith("-") ? 1 : 0;
    while (end < text.length() && end < 10 && Character.isDigit(text.charAt(end))) {
      end++;
    }
    try {
      return Integer.parseInt(text.substring(0, end));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String[] frontend(FrontendStats frontend, FrontendConfig config, int iid) {
    String[] row = row(frontend.name(), "FRONTEND", iid, 0, 0);
    traffic(row, frontend.traffic());
    if (config.maxConn() > 0) {
      set(row, "slim", config.maxConn());
    }
    set(row, "status", frontend.status().name());
    set(row, "conn_tot", frontend.traffic().total());
    Traffic traffic = frontend.traffic();
    set(row, "smax", traffic.maxCurrent());
    set(row, "rate", traffic.rate());
    set(row, "rate_max", traffic.maxRate());
    set(row, "conn_rate", traffic.rate());
    set(row, "conn_rate_max", traffic.maxRate());
    return row;
  }

  private static String[] backend(BackendStats backend, BackendConfig config, int iid, boolean operator) {
    String[] row = row(backend.name(), "BACKEND", iid, 0, 1);
    Traffic traffic = backend.traffic();
    traffic(row, traffic);
    set(row, "qcur", traffic.queued());
    set(row, "ereq", "");
    set(row, "econ", traffic.connectErrors());
    set(row, "eresp", 0);
    set(row, "wretr", traffic.retries());
    set(row, "wredis", traffic.redispatches());
    set(row, "status", backend.status().name());
    set(row, "lastchg", ageSeconds(backend.lastChange().toEpochMilli()));
    if (!backend.servers().isEmpty()) {
      set(row, "downtime", backend.downtime().toSeconds());
    }
    served(row, traffic);
    int active = 0;
    int backup = 0;
    int activeWeight = 0;
    int backupWeight = 0;
    for (ServerStats server : backend.servers()) {
      if (server.status() == ServerStatus.UP) {
        if (server.backup()) {
          backup++;
          backupWeight += server.weight();
        } else {
          active++;
          activeWeight += server.weight();
        }
      }
    }
    int weight = active > 0 ? activeWeight : backupWeight;
    set(row, "weight", weight);
    set(row, "uweight", weight);
    set(row, "act", active);
    set(row, "bck", backup);
    set(row, "lbtot", traffic.total());
    if (operator) {
      set(row, "algo", config.balance().name());
    }
    return row;
  }

  private static String[] server(String backend, ServerStats server, int iid, boolean operator) {
    String[] row = row(backend, server.name(), iid, server.sid(), 2);
    Traffic traffic = server.traffic();
    traffic(row, traffic);
    set(row, "qcur", traffic.queued());
    set(row, "dreq", "");
    set(row, "ereq", "");
    set(row, "econ", traffic.connectErrors());
    set(row, "eresp", 0);
    set(row, "wretr", traffic.retries());
    set(row, "wredis", traffic.redispatches());
    if (server.maxConn() > 0) {
      set(row, "slim", server.maxConn());
    }
    if (server.maxQueue() > 0) {
      set(row, "qlimit", server.maxQueue());
    }
    set(row, "status", status(server));
    set(row, "weight", server.weight());
    set(row, "uweight", server.weight());
    set(row, "act", server.backup() ? 0 : 1);
    set(row, "bck", server.backup() ? 1 : 0);
    set(row, "lastchg", ageSeconds(server.lastChange().toEpochMilli()));
    set(row, "lbtot", traffic.total());
    served(row, traffic);
    CheckStats check = server.check();
    if (check != null) {
      set(row, "downtime", server.downtime().toSeconds());
      set(row, "chkfail", check.failedChecks());
      set(row, "chkdown", check.downTransitions());
      checkColumns(row, "check", "last_chk", check);
      set(row, "check_rise", check.rise());
      set(row, "check_fall", check.fall());
      set(row, "check_health", check.health());
    }
    CheckStats agent = server.agent();
    if (agent != null) {
      checkColumns(row, "agent", "last_agt", agent);
      set(row, "agent_rise", agent.rise());
      set(row, "agent_fall", agent.fall());
      set(row, "agent_health", agent.health());
    }
    if (operator) {
      set(row, "addr", SocketAddresses.hostPort(server.address()));
    }
    return row;
  }

  /** The fields backends and servers share: maxima, rates, aborts, the last session, times. */
  private static void served(String[] row, Traffic traffic) {
    set(row, "qmax", traffic.maxQueued());
    set(row, "smax", traffic.maxCurrent());
    set(row, "rate", traffic.rate());
    set(row, "rate_max", traffic.maxRate());
    set(row, "cli_abrt", traffic.clientAborts());
    set(row, "srv_abrt", traffic.serverAborts());
    set(row, "lastsess",
        traffic.lastSession() == null ? -1 : ageSeconds(traffic.lastSession().toEpochMilli()));
    SessionTimes times = traffic.times();
    set(row, "qtime", times.queueAverage());
    set(row, "ctime", times.connectAverage());
    set(row, "rtime", 0);
    set(row, "ttime", times.totalAverage());
    set(row, "qtime_max", times.queueMax());
    set(row, "ctime_max", times.connectMax());
    set(row, "rtime_max", 0);
    set(row, "ttime_max", times.totalMax());
  }

  private static long ageSeconds(long epochMillis) {
    return Math.max(0, (System.currentTimeMillis() - epochMillis) / 1000);
  }

  /** HAProxy's status string of a server, {@code UP 1/3} and the like while checks change it. */
  static String status(ServerStats server) {
    String status = server.status().name();
    CheckStats check = server.check();
    if (server.status() == ServerStatus.MAINT) {
      return status;
    }
    CheckStats agent = server.agent();
    if (agent != null && agent.health() == 0) {
      return "DOWN (agent)";
    }
    if (agent != null && server.status() == ServerStatus.DRAIN) {
      return "DRAIN (agent)";
    }
    if (check == null) {
      return server.status() == ServerStatus.UP ? "no check" : status;
    }
    int top = check.rise() + check.fall() - 1;
    if (!check.up()) {
      return check.health() == 0 ? "DOWN" : "DOWN " + check.health() + "/" + check.rise();
    }
    return check.health() < top
        ? status + " " + (check.health() - check.rise() + 1) + "/" + check.fall()
        : status;
  }

  private static String[] row(String pxname, String svname, int iid, int sid, int type) {
    String[] row = new String[FIELDS.size()];
    Arrays.fill(row, "");
    set(row, "pxname", pxname);
    set(row, "svname", svname);
    set(row, "pid", 1);
    set(row, "iid", iid);
    set(row, "sid", sid);
    set(row, "type", type);
    set(row, "mode", "tcp");
    return row;
  }

  private static void traffic(String[] row, Traffic traffic) {
    set(row, "scur", traffic.current());
    set(row, "stot", traffic.total());
    set(row, "bin", traffic.bytesIn());
    set(row, "bout", traffic.bytesOut());
    set(row, "dreq", 0);
    set(row, "dresp", 0);
    set(row, "ereq", 0);
  }

  /**
   * The columns of the last outcome of a check or agent ({@code prefix} {@code check} or {@code
   * agent}): status (after {@code *} while one runs), code where it has one, duration,
   * description, and its info ({@code lastColumn}) unless one runs.
   */
  private static void checkColumns(String[] row, String prefix, String lastColumn, CheckStats stats) {
    CheckOutcome last = stats.last();
    if (last == null) {
      return;
    }
    set(row, prefix + "_status", (stats.running() ? "* " : "") + last.status().name());
    if (last.status().hasCode()) {
      set(row, prefix + "_code", last.code());
    }
    set(row, prefix + "_duration", stats.lastDurationMillis());
    set(row, prefix + "_desc", last.status().description());
    if (!stats.running()) {
      set(row, lastColumn, csvText(last.info()));
    }
  }

  /**
   * {@code text} as a CSV field, as HAProxy's {@code csv_enc} writes one: in double quotes, its own
   * doubled, when it holds a comma, a quote or a line end.
   */
  private static String csvText(String text) {
    boolean quote = text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0
        || text.indexOf('\r') >= 0;
    return quote ? '"' + text.replace("\"", "\"\"") + '"' : text;
  }

  private static void set(String[] row, String field, Object value) {
    Integer index = INDEX.get(field);
    if (index == null) {
      throw new IllegalArgumentException("no stat field named " + field);
    }
    row[index] = String.valueOf(value);
  }

  private static String line(String[] row) {
    StringBuilder line = new StringBuilder();
    for (String value : row) {
      line.append(value).append(',');
    }
    return line.append('\n').toString();
  }
}
