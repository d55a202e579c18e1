// Peer program on Apache Curator (the release bench/lib/peer-install.ts names, from Maven Central;
// else Debian's libcurator-recipes-java): the failover scenario with LeaderLatch, the recipe most
// JVM users would pick. Each candidate has its own CuratorFramework (its own session).
// The leader leaves as Curator users shut down: latch.close() then client.close().
// Prints progress on stderr and one JSON result line on stdout (the fields of FailoverResult).
//
//   java -cp <tmp>:<Curator's jars and their dependencies, slf4j-nop> CuratorPeer failover
//        --zookeeper 127.0.0.1:2181 --candidates 10 --rounds 200 --warmup 20 --session-timeout 30000

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.retry.RetryNTimes;

public final class CuratorPeer {
  /** One candidate: a CuratorFramework and its LeaderLatch. */
  static final class Candidate {
    final CuratorFramework client;
    final LeaderLatch latch;
    volatile Runnable onElected;

    Candidate(String cs, String parent, int sessionTimeout, int id) throws Exception {
      client = CuratorFrameworkFactory.builder()
          .connectString(cs)
          .sessionTimeoutMs(sessionTimeout)
          .connectionTimeoutMs(15000)
          .retryPolicy(new RetryNTimes(3, 100))
          .build();
      client.start();
      if (!client.blockUntilConnected(15, TimeUnit.SECONDS)) throw new IllegalStateException("could not connect to " + cs);
      latch = new LeaderLatch(client, parent, "c" + id);
      latch.addListener(new LeaderLatchListener() {
        @Override
        public void isLeader() {
          Runnable cb = onElected;
          if (cb != null) cb.run();
        }

        @Override
        public void notLeader() {}
      });
      latch.start();
      // Joined once its node exists (so candidates queue in creation order).
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (latch.getOurPath() == null) {
        if (System.nanoTime() > deadline) throw new IllegalStateException("LeaderLatch did not create its node");
        Thread.sleep(1);
      }
    }

    void close() throws Exception {
      latch.close();
      client.close();
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || !args[0].equals("failover")) {
      System.err.println("usage: CuratorPeer failover --zookeeper <cs> [--candidates N --rounds N --warmup N --session-timeout ms --pause ms]");
      System.exit(2);
    }
    Map<String, String> f = PeerUtil.flags(args, 1);
    PeerUtil.Latency p = PeerUtil.Latency.of(f);
    String cs = p.zookeeper();
    int timeout = p.sessionTimeout();
    int warmup = p.warmup();
    String parent = "/zk-elect-bench/curator-failover-" + ProcessHandle.current().pid() + "-" + System.currentTimeMillis();
    ArrayDeque<Candidate> queue = new ArrayDeque<>();
    List<Double> samples = new ArrayList<>();
    int ids = 0;
    try {
      for (int i = 0; i < p.candidates(); i++) queue.add(new Candidate(cs, parent, timeout, ids++));
      if (!queue.peekFirst().latch.await(15, TimeUnit.SECONDS)) throw new IllegalStateException("no first leader");
      Thread.sleep(200); // every candidate's predecessor watch in place
      int total = warmup + p.rounds();
      for (int r = 0; r < total; r++) {
        Candidate leader = queue.pollFirst();
        Candidate successor = queue.peekFirst();
        if (!leader.latch.hasLeadership()) throw new IllegalStateException("round " + r + ": the first candidate is not the leader");
        CompletableFuture<Long> elected = new CompletableFuture<>();
        successor.onElected = () -> elected.complete(System.nanoTime());
        if (successor.latch.hasLeadership()) elected.complete(System.nanoTime());
        long t0 = System.nanoTime();
        leader.close();
        long t1 = elected.get(15, TimeUnit.SECONDS);
        successor.onElected = null;
        if (r >= warmup) samples.add((t1 - t0) / 1e6);
        queue.addLast(new Candidate(cs, parent, timeout, ids++));
        long leaders = queue.stream().filter(c -> c.latch.hasLeadership()).count();
        if (leaders != 1) throw new IllegalStateException("round " + r + ": " + leaders + " leaders");
        if ((r + 1) % 50 == 0) PeerUtil.log("failover curator N=" + p.candidates() + ": " + (r + 1) + "/" + total + " rounds");
        PeerUtil.sleep(p.pause());
      }
    } finally {
      for (Candidate c : queue) {
        try {
          c.close();
        } catch (Exception e) {
          // best effort
        }
      }
      try (CuratorFramework admin = CuratorFrameworkFactory.newClient(cs, new RetryNTimes(3, 100))) {
        admin.start();
        admin.blockUntilConnected(15, TimeUnit.SECONDS);
        admin.delete().deletingChildrenIfNeeded().forPath(parent);
      } catch (Exception e) {
        // best effort
      }
    }
    System.out.println(PeerUtil.json(PeerUtil.latencyResult("failover", "curator", f, samples, "latch.close(); client.close()")));
    System.exit(0);
  }
}
