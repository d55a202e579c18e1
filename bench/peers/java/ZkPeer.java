// Peer program on the plain ZooKeeper Java client (no Curator; the same client jars the Curator
// peer runs on, see bench/lib/peer-install.ts):
//   failover  the design's algorithm (EPHEMERAL_SEQUENTIAL candidates, each watches only its
//             predecessor with getData and re-lists on NodeDeleted), async API throughout;
//   floor     closeSession of one session to a second client's NodeDeleted notification, and that
//             client's async getChildren of the parent sent from the watcher (the re-list an
//             election makes): notification → reply;
//   ops       a line-driven server for the pipelined getData/create throughput runs.
// Prints progress on stderr and one JSON result line on stdout (ops: one line per command).
//
//   java -cp <tmp>:<the ZooKeeper client's jars, slf4j-nop> ZkPeer failover --zookeeper 127.0.0.1:2181
//        --candidates 10 --rounds 200 --warmup 20 --session-timeout 30000 --pause 5
//
// Known behaviour of the Java client measured here (it shows in the failover tails of this peer
// and of Curator, which sits on the same client): with the default transport
// (ClientCnxnSocketNIO), about one failover in five takes ~100 ms more. Timestamps in the watcher
// showed the NodeDeleted notification arriving on time (1-8 ms) and the stall sitting between it
// and the getChildren reply; the server's mntr zk_max_latency stayed at 13 ms; running the JVM
// with -Dzookeeper.clientCnxnSocket=org.apache.zookeeper.ClientCnxnSocketNetty (Netty jars on the
// class path) removed the stalls (p99 11 ms) at a higher p50 (4.0 vs 2.3 ms). The benchmark keeps
// the default transport, as Curator and most users run it.

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

public final class ZkPeer {
  private static final byte[] DATA = "bench".getBytes(StandardCharsets.UTF_8);

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: ZkPeer failover|floor|ops --zookeeper <cs> [--candidates N --rounds N --warmup N --session-timeout ms --pause ms]");
      System.exit(2);
    }
    Map<String, String> f = PeerUtil.flags(args, 1);
    switch (args[0]) {
      case "failover" -> failover(f);
      case "floor" -> floor(f);
      case "ops" -> ops(f);
      default -> {
        System.err.println("unknown scenario " + args[0]);
        System.exit(2);
      }
    }
    System.exit(0);
  }

  static ZooKeeper connect(String cs, int sessionTimeout) throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper zk = new ZooKeeper(cs, sessionTimeout, (WatchedEvent ev) -> {
      if (ev.getState() == Watcher.Event.KeeperState.SyncConnected) connected.countDown();
    });
    if (!connected.await(15, TimeUnit.SECONDS)) throw new IllegalStateException("could not connect to " + cs);
    return zk;
  }

  static void ensurePath(ZooKeeper zk, String path) throws Exception {
    StringBuilder cur = new StringBuilder();
    for (String seg : path.substring(1).split("/")) {
      cur.append('/').append(seg);
      try {
        zk.create(cur.toString(), new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
      } catch (KeeperException.NodeExistsException e) {
        // fine
      }
    }
  }

  static void removeTree(ZooKeeper zk, String path) {
    try {
      for (String c : zk.getChildren(path, false)) removeTree(zk, path + "/" + c);
      zk.delete(path, -1);
    } catch (Exception e) {
      // best effort
    }
  }

  // ---- failover: the design's algorithm on the plain client -------------------------------------

  /** One candidate: its own session; every other candidate watches only its predecessor. */
  static final class Candidate {
    final ZooKeeper zk;
    final String parent;
    final String node;
    volatile boolean leader;
    volatile boolean closed;
    volatile Runnable onElected;

    Candidate(ZooKeeper zk, String parent, String node) {
      this.zk = zk;
      this.parent = parent;
      this.node = node;
    }

    static Candidate join(String cs, String parent, int sessionTimeout) throws Exception {
      ZooKeeper zk = connect(cs, sessionTimeout);
      String path = zk.create(parent + "/c_", DATA, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL_SEQUENTIAL);
      Candidate c = new Candidate(zk, parent, path.substring(parent.length() + 1));
      CompletableFuture<Void> ready = new CompletableFuture<>();
      c.round(ready);
      ready.get(15, TimeUnit.SECONDS);
      return c;
    }

    /** List; lead if smallest, else watch the predecessor (re-list if it is already gone). */
    void round(CompletableFuture<Void> ready) {
      if (closed) return;
      zk.getChildren(parent, false, (AsyncCallback.ChildrenCallback) (rc, p, ctx, children) -> {
        if (rc != KeeperException.Code.OK.intValue()) {
          if (!closed && ready != null) ready.completeExceptionally(KeeperException.create(KeeperException.Code.get(rc), p));
          return;
        }
        List<String> sorted = new ArrayList<>();
        for (String ch : children) if (ch.startsWith("c_")) sorted.add(ch);
        sorted.sort(Comparator.comparingLong(PeerUtil::sequenceOf));
        int idx = sorted.indexOf(node);
        if (idx < 0) {
          if (ready != null) ready.completeExceptionally(new IllegalStateException("own node missing"));
          return;
        }
        if (idx == 0) {
          if (!leader) {
            leader = true;
            Runnable cb = onElected;
            if (cb != null) cb.run();
          }
          if (ready != null) ready.complete(null);
          return;
        }
        String pred = parent + "/" + sorted.get(idx - 1);
        zk.getData(pred, (WatchedEvent ev) -> {
          if (ev.getType() == Watcher.Event.EventType.NodeDeleted) round(null);
        }, (AsyncCallback.DataCallback) (rc2, p2, ctx2, data, stat) -> {
          if (rc2 == KeeperException.Code.NONODE.intValue()) round(ready);
          else if (ready != null) ready.complete(null);
        }, null);
      }, null);
    }

    void close() throws InterruptedException {
      closed = true;
      zk.close();
    }
  }

  static void failover(Map<String, String> f) throws Exception {
    PeerUtil.Latency p = PeerUtil.Latency.of(f);
    String cs = p.zookeeper();
    int timeout = p.sessionTimeout();
    int warmup = p.warmup();
    String parent = f.getOrDefault("parent", "/zk-elect-bench/java-failover-" + ProcessHandle.current().pid() + "-" + System.currentTimeMillis());
    ZooKeeper admin = connect(cs, 30000);
    ensurePath(admin, parent);
    ArrayDeque<Candidate> queue = new ArrayDeque<>();
    List<Double> samples = new ArrayList<>();
    try {
      for (int i = 0; i < p.candidates(); i++) queue.add(Candidate.join(cs, parent, timeout));
      int total = warmup + p.rounds();
      for (int r = 0; r < total; r++) {
        Candidate leader = queue.pollFirst();
        Candidate successor = queue.peekFirst();
        if (!leader.leader) throw new IllegalStateException("round " + r + ": the first candidate is not the leader");
        CompletableFuture<Long> elected = new CompletableFuture<>();
        successor.onElected = () -> elected.complete(System.nanoTime());
        if (successor.leader) elected.complete(System.nanoTime());
        long t0 = System.nanoTime();
        leader.close();
        long t1 = elected.get(15, TimeUnit.SECONDS);
        successor.onElected = null;
        if (r >= warmup) samples.add((t1 - t0) / 1e6);
        queue.addLast(Candidate.join(cs, parent, timeout));
        long leaders = queue.stream().filter(c -> c.leader).count();
        if (leaders != 1) throw new IllegalStateException("round " + r + ": " + leaders + " leaders");
        if ((r + 1) % 50 == 0) PeerUtil.log("failover java N=" + p.candidates() + ": " + (r + 1) + "/" + total + " rounds");
        PeerUtil.sleep(p.pause());
      }
    } finally {
      for (Candidate c : queue) c.close();
      removeTree(admin, parent);
      admin.close();
    }
    System.out.println(PeerUtil.json(PeerUtil.latencyResult("failover", "java", f, samples, "ZooKeeper.close() (closeSession)")));
  }

  // ---- floor ------------------------------------------------------------------------------------

  static void floor(Map<String, String> f) throws Exception {
    PeerUtil.Latency p = PeerUtil.Latency.of(f);
    String cs = p.zookeeper();
    int timeout = p.sessionTimeout();
    int warmup = p.warmup();
    String parent = "/zk-elect-bench/java-floor-" + ProcessHandle.current().pid() + "-" + System.currentTimeMillis();
    ZooKeeper watcher = connect(cs, 30000);
    ensurePath(watcher, parent);
    List<Double> samples = new ArrayList<>();
    List<Double> relist = new ArrayList<>();
    List<Double> total = new ArrayList<>();
    try {
      for (int r = 0; r < warmup + p.rounds(); r++) {
        ZooKeeper owner = connect(cs, timeout);
        String path = parent + "/e" + r;
        owner.create(path, DATA, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        // On a quorum the watcher's server may not have applied the create yet (reads are ordered
        // per client, not across clients): wait until it sees the node, untimed, as every floor does.
        for (int tries = 0; watcher.exists(path, false) == null; tries++) {
          if (tries == 1000) throw new IllegalStateException(path + " never became visible to the watcher");
          Thread.sleep(1);
        }
        // The owner idles before its close, as a failover's leader has (the zk-elect floor says why).
        PeerUtil.sleep(p.pause());
        long[] notified = new long[1];
        CompletableFuture<Long> listed = new CompletableFuture<>();
        if (watcher.exists(path, ev -> {
          if (ev.getType() != Watcher.Event.EventType.NodeDeleted) return;
          notified[0] = System.nanoTime();
          watcher.getChildren(parent, false, (int rc, String at, Object ctx, List<String> children) -> {
            if (rc == 0) listed.complete(System.nanoTime());
            else listed.completeExceptionally(KeeperException.create(KeeperException.Code.get(rc), at));
          }, null);
        }) == null) throw new IllegalStateException("node vanished");
        long t0 = System.nanoTime();
        owner.close();
        long t2 = listed.get(15, TimeUnit.SECONDS);
        // The watcher thread wrote notified[0] before completing the future: get() makes it visible.
        long t1 = notified[0];
        if (r >= warmup) {
          samples.add((t1 - t0) / 1e6);
          relist.add((t2 - t1) / 1e6);
          total.add((t2 - t0) / 1e6);
        }
      }
    } finally {
      removeTree(watcher, parent);
      watcher.close();
    }
    Map<String, Object> result = PeerUtil.latencyResult("floor", "java", f, samples, null);
    Map<String, Object> rl = new LinkedHashMap<>();
    rl.put("afterNotifyMs", PeerUtil.summary(relist));
    rl.put("totalMs", PeerUtil.summary(total));
    rl.put("afterNotifySamplesMs", PeerUtil.rounded(relist));
    rl.put("totalSamplesMs", PeerUtil.rounded(total));
    result.put("relist", rl);
    System.out.println(PeerUtil.json(result));
  }

  // ---- ops: pipelined async getData / create, one command per stdin line --------------------------

  /**
   * Reads commands from stdin, one per line, and answers each with one JSON line:
   *   getData <path> <n> <window>     n pipelined getData calls, `window` in flight
   *   create <parent> <n> <window>    n pipelined creates of <parent>/n<i> (PERSISTENT, no data)
   *   quit
   * The same method as bench/lib/pipeline.ts: every completion issues the next request; latency per request
   * from just before the call to its callback; CPU is the whole JVM's (all threads) per request.
   */
  static void ops(Map<String, String> f) throws Exception {
    String cs = PeerUtil.required(f, "zookeeper");
    ZooKeeper zk = connect(cs, 30000);
    com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    System.out.println("{\"ready\":true}");
    System.out.flush();
    String line;
    while ((line = in.readLine()) != null) {
      String[] w = line.trim().split("\\s+");
      if (w.length == 0 || w[0].isEmpty()) continue;
      if (w[0].equals("quit")) break;
      String target = w[1];
      int n = Integer.parseInt(w[2]);
      int window = Integer.parseInt(w[3]);
      boolean get = w[0].equals("getData");
      long[] start = new long[n];
      double[] lat = new double[n];
      AtomicInteger next = new AtomicInteger();
      AtomicInteger completed = new AtomicInteger();
      AtomicReference<String> error = new AtomicReference<>();
      CountDownLatch done = new CountDownLatch(1);
      Runnable[] launch = new Runnable[1];
      AsyncCallback.DataCallback dataCb = (rc, p, ctx, data, stat) -> complete((Integer) ctx, rc, start, lat, completed, n, done, error, launch[0]);
      AsyncCallback.StringCallback createCb = (rc, p, ctx, name) -> complete((Integer) ctx, rc, start, lat, completed, n, done, error, launch[0]);
      launch[0] = () -> {
        int i = next.getAndIncrement();
        if (i >= n) return;
        start[i] = System.nanoTime();
        if (get) zk.getData(target, false, dataCb, i);
        else zk.create(target + "/n" + i, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, createCb, i);
      };
      long cpu0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      for (int k = Math.min(window, n); k > 0; k--) launch[0].run();
      if (!done.await(120, TimeUnit.SECONDS)) error.compareAndSet(null, "stalled at " + completed.get() + "/" + n);
      long elapsed = System.nanoTime() - t0;
      long cpu = os.getProcessCpuTime() - cpu0;
      Map<String, Object> out = new LinkedHashMap<>();
      if (error.get() != null) out.put("error", error.get());
      Arrays.sort(lat);
      out.put("ops", n);
      out.put("elapsedMs", elapsed / 1e6);
      out.put("opsPerSec", n * 1e9 / elapsed);
      out.put("p50Ms", PeerUtil.percentile(lat, 0.5));
      out.put("p99Ms", PeerUtil.percentile(lat, 0.99));
      out.put("cpuUsPerOp", cpu / 1e3 / n);
      System.out.println(PeerUtil.json(out));
      System.out.flush();
    }
    zk.close();
  }

  private static void complete(int i, int rc, long[] start, double[] lat, AtomicInteger completed, int n, CountDownLatch done, AtomicReference<String> error, Runnable launch) {
    lat[i] = (System.nanoTime() - start[i]) / 1e6;
    if (rc != 0) error.compareAndSet(null, "request " + i + " failed: " + KeeperException.Code.get(rc));
    if (completed.incrementAndGet() == n) done.countDown();
    else launch.run();
  }
}
