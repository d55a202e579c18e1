// Shared helpers of the Java peer programs (bench/peers/java): flags, latency summaries and the
// JSON line every implementation prints (the same fields as bench/lib/types.ts).
// Compiled at bench time with javac into a temp dir; no build tool, no dependencies of its own.

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

final class PeerUtil {
  private PeerUtil() {}

  /** --key value pairs after the scenario name. */
  static Map<String, String> flags(String[] args, int from) {
    Map<String, String> m = new HashMap<>();
    for (int i = from; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) throw new IllegalArgumentException("unexpected argument " + a);
      String key = a.substring(2);
      if (i + 1 < args.length && !args[i + 1].startsWith("--")) m.put(key, args[++i]);
      else m.put(key, "true");
    }
    return m;
  }

  static int intFlag(Map<String, String> f, String key, int dflt) {
    String v = f.get(key);
    return v == null ? dflt : Integer.parseInt(v.replace("_", ""));
  }

  /** The flags of the latency scenarios, with the defaults of `zk-elect bench`. */
  record Latency(String zookeeper, int candidates, int rounds, int warmup, int sessionTimeout, int pause) {
    static Latency of(Map<String, String> f) {
      return new Latency(
          required(f, "zookeeper"),
          intFlag(f, "candidates", 10),
          intFlag(f, "rounds", 200),
          intFlag(f, "warmup", 20),
          intFlag(f, "session-timeout", 30000),
          intFlag(f, "pause", 5));
    }
  }

  static String required(Map<String, String> f, String key) {
    String v = f.get(key);
    if (v == null) throw new IllegalArgumentException("--" + key + " is required");
    return v;
  }

  static void log(String msg) {
    System.err.println("[peer] " + msg);
    System.err.flush();
  }

  /** Nearest-rank percentile of ascending values (q in 0..1), as bench/lib/stats.ts. */
  static double percentile(double[] sorted, double q) {
    if (sorted.length == 0) return Double.NaN;
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
  }

  static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }

  static Map<String, Object> summary(List<Double> samples) {
    double[] s = new double[samples.size()];
    double sum = 0;
    for (int i = 0; i < s.length; i++) {
      s[i] = samples.get(i);
      sum += s[i];
    }
    Arrays.sort(s);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("n", s.length);
    m.put("min", s.length == 0 ? Double.NaN : round(s[0], 3));
    m.put("p50", round(percentile(s, 0.5), 3));
    m.put("p90", round(percentile(s, 0.9), 3));
    m.put("p99", round(percentile(s, 0.99), 3));
    m.put("max", s.length == 0 ? Double.NaN : round(s[s.length - 1], 3));
    m.put("mean", s.length == 0 ? Double.NaN : round(sum / s.length, 3));
    return m;
  }

  static List<Double> rounded(List<Double> xs) {
    List<Double> out = new ArrayList<>(xs.size());
    for (double x : xs) out.add(round(x, 4));
    return out;
  }

  /** A minimal JSON writer for maps, lists, strings, numbers and booleans. */
  static String json(Object o) {
    StringBuilder sb = new StringBuilder();
    write(sb, o);
    return sb.toString();
  }

  private static void write(StringBuilder sb, Object o) {
    if (o == null) sb.append("null");
    else if (o instanceof String) {
      sb.append('"');
      for (char c : ((String) o).toCharArray()) {
        if (c == '"' || c == '\\') sb.append('\\').append(c);
        else if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
        else sb.append(c);
      }
      sb.append('"');
    } else if (o instanceof Double || o instanceof Float) {
      double d = ((Number) o).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) sb.append("null");
      else if (d == Math.rint(d) && Math.abs(d) < 1e15) sb.append((long) d);
      else sb.append(d);
    } else if (o instanceof Number || o instanceof Boolean) sb.append(o);
    else if (o instanceof Map) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : ((Map<?, ?>) o).entrySet()) {
        if (!first) sb.append(',');
        first = false;
        write(sb, String.valueOf(e.getKey()));
        sb.append(':');
        write(sb, e.getValue());
      }
      sb.append('}');
    } else if (o instanceof List) {
      sb.append('[');
      boolean first = true;
      for (Object x : (List<?>) o) {
        if (!first) sb.append(',');
        first = false;
        write(sb, x);
      }
      sb.append(']');
    } else write(sb, String.valueOf(o));
  }

  /** The result line of a latency scenario, the same fields as FailoverResult / FloorResult. */
  static Map<String, Object> latencyResult(String scenario, String impl, Map<String, String> f, List<Double> samples, String close) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("scenario", scenario);
    m.put("impl", impl);
    if (scenario.equals("failover")) m.put("candidates", intFlag(f, "candidates", 10));
    m.put("rounds", intFlag(f, "rounds", 200));
    m.put("warmup", intFlag(f, "warmup", 20));
    if (close != null) m.put("close", close);
    m.put("latencyMs", summary(samples));
    m.put("samplesMs", rounded(samples));
    return m;
  }

  /** Numeric suffix of a sequential node name (its last 10 digits; a benchmark never wraps the counter). */
  static long sequenceOf(String name) {
    return Long.parseLong(name.substring(name.length() - 10));
  }

  static void sleep(long ms) {
    if (ms <= 0) return;
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
