import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;

/**
 * The Java ZooKeeper client as an oracle for zk-elect's (test/java-oracle.test.ts): reads one
 * operation per stdin line, runs it with the real client's synchronous API, and prints one
 * result line per operation, preceded by one line per watch event the operation's reply came
 * after. Fields are tab-separated; strings travel as base64 of their UTF-8 (paths may hold a
 * NUL or a tab), data as hex or "-" for null.
 *
 * In:  index TAB op TAB args...   (see test/support/oracle-wire.ts for each op's arguments)
 * Out: R TAB index TAB status TAB fields...   status: OK, REJECTED (thrown before sending) or the error code
 *      E TAB tag TAB type TAB state TAB path   tag: the index of the op that set the watch, or "default"
 *      ready                                    once, at start
 */
public final class ZkOracle {
    private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    private static ZooKeeper zk;
    /** Set while close() runs: see {@link #event} for the one event it drops. */
    private static volatile boolean closing;

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        print("ready");
        for (String line; (line = in.readLine()) != null; ) {
            String[] f = line.split("\t", -1);
            String index = f[0];
            String result;
            try {
                result = "OK" + run(index, f);
            } catch (IllegalArgumentException e) {
                // Thrown by the client's own checks (PathUtils.validatePath,
                // EphemeralType.validateTTL, and the normalised empty ACL of a multi below)
                // before anything is sent.
                result = "REJECTED";
            } catch (KeeperException e) {
                // ZooKeeper.validateACL (create, setACL) throws InvalidACLException without a
                // path before sending; the server's INVALIDACL comes back with the op's path
                // (a multi's without one, but multi never calls validateACL).
                boolean beforeSending = e instanceof KeeperException.InvalidACLException && e.getPath() == null && !f[1].equals("multi");
                result = beforeSending ? "REJECTED" : e.code().intValue() + multiResults(e.getResults());
            }
            if (!f[1].equals("connect") && !f[1].equals("close")) barrier();
            print("R\t" + index + "\t" + result);
        }
    }

    /** Runs one op; returns its fields, each preceded by a tab. */
    private static String run(String index, String[] f) throws Exception {
        switch (f[1]) {
            case "connect": {
                CountDownLatch connected = new CountDownLatch(1);
                closing = false;
                zk = new ZooKeeper(f[2], Integer.parseInt(f[3]), e -> {
                    event("default", e);
                    if (e.getState() == Watcher.Event.KeeperState.SyncConnected) connected.countDown();
                });
                if (!connected.await(20, TimeUnit.SECONDS)) throw new IllegalStateException("not connected in 20 s");
                return "";
            }
            case "close":
                closing = true;
                zk.close();
                // The Closed events go through the event thread after close() returned: wait for
                // it to end (its name is the creating thread's plus "-EventThread").
                for (Thread t : Thread.getAllStackTraces().keySet()) {
                    if (t.getName().endsWith("-EventThread")) t.join(10_000);
                }
                return "";
            case "create": {
                String path = str(f[2]);
                byte[] data = bytes(f[3]);
                CreateMode mode = CreateMode.fromFlag(Integer.parseInt(f[4]));
                long ttl = Long.parseLong(f[5]);
                List<ACL> acl = acl(f[6]);
                if (f[7].equals("1") || ttl != -1) {
                    Stat stat = new Stat();
                    String created = zk.create(path, data, acl, mode, stat, ttl);
                    return "\t" + b64(created) + (f[7].equals("1") ? "\t" + stat(stat) : "");
                }
                return "\t" + b64(zk.create(path, data, acl, mode));
            }
            case "delete":
                zk.delete(str(f[2]), Integer.parseInt(f[3]));
                return "";
            case "setData":
                return "\t" + stat(zk.setData(str(f[2]), bytes(f[3]), Integer.parseInt(f[4])));
            case "getData": {
                Stat stat = new Stat();
                byte[] data = zk.getData(str(f[2]), watcher(index, f[3]), stat);
                return "\t" + hex(data) + "\t" + stat(stat);
            }
            case "exists": {
                Stat stat = zk.exists(str(f[2]), watcher(index, f[3]));
                return "\t" + (stat == null ? "-" : stat(stat));
            }
            case "getChildren":
                return "\t" + children(zk.getChildren(str(f[2]), watcher(index, f[3])));
            case "getChildren2": {
                Stat stat = new Stat();
                List<String> children = zk.getChildren(str(f[2]), watcher(index, f[3]), stat);
                return "\t" + children(children) + "\t" + stat(stat);
            }
            case "getACL": {
                Stat stat = new Stat();
                List<ACL> acl = zk.getACL(str(f[2]), stat);
                StringBuilder sb = new StringBuilder();
                for (ACL a : acl) sb.append(sb.length() == 0 ? "" : ",").append(a.getPerms()).append('/').append(b64(a.getId().getScheme())).append('/').append(b64(a.getId().getId()));
                return "\t" + (sb.length() == 0 ? "[]" : sb) + "\t" + stat(stat);
            }
            case "setACL":
                return "\t" + stat(zk.setACL(str(f[2]), acl(f[3]), Integer.parseInt(f[4])));
            case "sync": {
                // The asynchronous form: the synchronous one is new in 3.9.
                int[] rc = new int[1];
                CountDownLatch done = new CountDownLatch(1);
                zk.sync(str(f[2]), (code, p, ctx) -> {
                    rc[0] = code;
                    done.countDown();
                }, null);
                done.await();
                if (rc[0] != 0) throw KeeperException.create(KeeperException.Code.get(rc[0]));
                return "";
            }
            case "removeWatches":
                zk.removeAllWatches(str(f[2]), Watcher.WatcherType.fromInt(Integer.parseInt(f[3])), false);
                return "";
            case "multi": {
                List<Op> ops = new ArrayList<>();
                for (int i = 2; i < f.length; i++) {
                    String[] sub = str(f[i]).split("\t", -1);
                    // A normalised case (the other is in event()): create and setACL refuse an empty ACL before
                    // sending (ZooKeeper.validateACL), but multi's Op.Create.validate does not
                    // check it, so the Java client would send it for the server to refuse with
                    // INVALIDACL (and a zxid). zk-elect refuses it before sending everywhere;
                    // treat the Java client as its own create would, so the zxids stay aligned.
                    if (sub[0].equals("create") && sub[5].equals("[]")) throw new IllegalArgumentException("empty ACL");
                    ops.add(subOp(sub));
                }
                return multiResults(zk.multi(ops));
            }
            default:
                throw new IllegalStateException("unknown op " + f[1]);
        }
    }

    private static Op subOp(String[] f) throws KeeperException {
        switch (f[0]) {
            case "create": {
                long ttl = Long.parseLong(f[4]);
                CreateMode mode = CreateMode.fromFlag(Integer.parseInt(f[3]));
                return ttl == -1 ? Op.create(str(f[1]), bytes(f[2]), acl(f[5]), mode) : Op.create(str(f[1]), bytes(f[2]), acl(f[5]), mode, ttl);
            }
            case "delete":
                return Op.delete(str(f[1]), Integer.parseInt(f[2]));
            case "setData":
                return Op.setData(str(f[1]), bytes(f[2]), Integer.parseInt(f[3]));
            case "check":
                return Op.check(str(f[1]), Integer.parseInt(f[2]));
            default:
                throw new IllegalStateException("unknown sub-op " + f[0]);
        }
    }

    /** Each result as a field: create:path[:stat], delete, setData:stat, check, or error:code. */
    private static String multiResults(List<OpResult> results) {
        if (results == null) return "";
        StringBuilder sb = new StringBuilder();
        for (OpResult r : results) {
            sb.append('\t');
            if (r instanceof OpResult.CreateResult) {
                OpResult.CreateResult c = (OpResult.CreateResult) r;
                sb.append("create:").append(b64(c.getPath())).append(c.getStat() == null ? "" : ":" + stat(c.getStat()));
            } else if (r instanceof OpResult.SetDataResult) {
                sb.append("setData:").append(stat(((OpResult.SetDataResult) r).getStat()));
            } else if (r instanceof OpResult.DeleteResult) {
                sb.append("delete");
            } else if (r instanceof OpResult.CheckResult) {
                sb.append("check");
            } else if (r instanceof OpResult.ErrorResult) {
                sb.append("error:").append(((OpResult.ErrorResult) r).getErr());
            } else {
                sb.append("unknown:").append(r.getType());
            }
        }
        return sb.toString();
    }

    /**
     * Waits until every event the client received before the last reply has been printed: the
     * synchronous API returns on the send thread's notify while watch events go through the
     * event thread, and an asynchronous read's callback is queued there behind them.
     */
    private static void barrier() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        zk.exists("/", false, (rc, p, ctx, s) -> done.countDown(), null);
        done.await();
    }

    private static Watcher watcher(String tag, String flag) {
        return flag.equals("1") ? e -> event(tag, e) : null;
    }

    private static void event(String tag, WatchedEvent e) {
        // A race inside the Java client, normalised: a Disconnected during close(), told to
        // every watcher before Closed, rarely (1 in 600 closes at most in a probe, on a loaded
        // machine; it depends on how the threads are scheduled). The server
        // closes the socket right after the closeSession reply (FinalRequestProcessor:
        // cnxn.sendCloseSession()). The reply wakes close() (ClientCnxn.close -> submitRequest),
        // which then calls disconnect() -> SendThread.close() -> changeZkState(CLOSED). If the
        // SendThread reads the server's EOF first, it leaves its loop (closing is set, so no
        // reconnect) while the state is still CONNECTED, and after the loop
        // `if (state.isAlive()) queueEvent(Disconnected)` fires (ClientCnxn.SendThread.run,
        // 3.9.5; the same in 3.5 and 3.8). zk-elect never reports Disconnected while closing.
        // Only this case is dropped: a Disconnected outside close() is still printed.
        if (closing && e.getType() == Watcher.Event.EventType.None && e.getState() == Watcher.Event.KeeperState.Disconnected) return;
        String path = e.getPath() == null ? "-" : b64(e.getPath());
        print("E\t" + tag + "\t" + e.getType().getIntValue() + "\t" + e.getState().getIntValue() + "\t" + path);
    }

    /** The compared fields of a Stat (not ctime/mtime); "self" for an ephemeral owner that is this session. */
    private static String stat(Stat s) {
        String owner = s.getEphemeralOwner() != 0 && s.getEphemeralOwner() == zk.getSessionId() ? "self" : Long.toHexString(s.getEphemeralOwner());
        return s.getCzxid() + "," + s.getMzxid() + "," + s.getPzxid() + "," + s.getVersion() + "," + s.getCversion() + "," + s.getAversion() + "," + owner + "," + s.getDataLength() + "," + s.getNumChildren();
    }

    private static String children(List<String> names) {
        List<String> sorted = new ArrayList<>(names);
        Collections.sort(sorted);
        StringBuilder sb = new StringBuilder("[");
        for (String n : sorted) sb.append(sb.length() == 1 ? "" : ",").append(b64(n));
        return sb.append(']').toString();
    }

    /** "[]" for an empty list, else perms/b64(scheme)/b64(id) entries joined by commas. */
    private static List<ACL> acl(String spec) {
        List<ACL> acl = new ArrayList<>();
        if (spec.equals("[]")) return acl;
        for (String entry : spec.split(",")) {
            String[] p = entry.split("/", -1);
            acl.add(new ACL(Integer.parseInt(p[0]), new Id(str(p[1]), str(p[2]))));
        }
        return acl;
    }

    private static String str(String b64) {
        return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] bytes(String hex) {
        if (hex.equals("-")) return null;
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        return out;
    }

    private static String hex(byte[] data) {
        if (data == null) return "-";
        StringBuilder sb = new StringBuilder();
        for (byte b : data) sb.append(String.format("%02x", b & 0xff));
        return sb.toString();
    }

    private static synchronized void print(String line) {
        OUT.println(line);
    }
}
