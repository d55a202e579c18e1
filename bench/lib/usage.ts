/**
 * The help text of `zk-elect bench` (printed for `--help`; its first line is the short usage
 * shown after a mistake). Every flag here is one of bench/lib/options.ts's FLAGS.
 * @module
 */

/** `zk-elect bench --help`. */
export const USAGE = `Usage: zk-elect bench <scenario>[,<scenario>...] [flags]

Measures leader election on ZooKeeper against what people would otherwise pick — Apache
Curator LeaderLatch, the ZooKeeper Java client, kazoo, node-zookeeper-client (the newest
releases from Maven Central and PyPI, else Debian's packages; the report names the versions) —
on the same server in the same run. Needs a source checkout (the bench/ directory, built).

Scenarios:
  failover  N candidates; the leader leaves; time until its successor says "I am leader"
  floor     closeSession to a second client's NodeDeleted notification (no recipe): the floor
  herd      watch notifications and requests per failover at 1,000 candidates, and the naive
            "everyone watches the leader" recipe for contrast (server mntr cross-check)
  scale     1,000 and 5,000 candidates joining one process, then 20,000 from 4 processes: time
            to one leader, heap per candidate, what a leader failure wakes across the fleet
  crash     SIGKILL a real \`zk-elect node\` leader: time to a new leader vs the session timeout
  ops       pipelined getData/create: zk-elect vs node-zookeeper-client vs the Java client
  all       everything, zk-elect and every peer, one fresh local ZooKeeper, then floor and
            failover again, and the 20,000-candidate fleet, on a fresh 3-server quorum; prints
            the tables with ratios and targets
            and writes bench/results/latest.{json,md} and failover.svg
  A list (e.g. floor,failover) runs those scenarios the way \`all\` does, without writing files.

Flags:
  -z, --zookeeper <cs>       use this ensemble instead of a fresh local ZooKeeper
      --servers <1|3|5>      the local ZooKeeper: standalone (default) or a quorum of that size
                             (every client gets all servers and picks one at random; herd is
                             skipped there: its mntr cross-check reads one server)
      --quorum <list>        after the run, these of floor,failover,scale again on a fresh
                             3-server quorum (scale: the multi-process fleet moves there; default
                             floor,failover,scale for \`all\`, none otherwise)
      --json                 the last stdout line is one JSON object with every figure
      --peers <list>         also run these peers: all, none, or a list of curator,java,kazoo,nzc
                             (default: all for \`all\`, none otherwise)
      --candidates <list>    failover candidates per process (default 2,10,100)
      --rounds <n>           failover/floor rounds (default 200)
      --chunks <n>           with peers or a list: run those rounds in n parts per implementation,
                             interleaved in rotating order, so machine drift is shared (default 4)
      --warmup <n>           un-timed warm-up rounds first (default 20)
      --close <how>          how zk-elect's leader leaves: election (election.close(), the API;
                             the default), session (closeSession only, like the peers), or both
                             (the default for \`all\`)
      --session-timeout <ms> candidates' session timeout (default 30000)
      --pause <ms>           pause between rounds (default 5)
      --herd-candidates <n>  (default 1000)          --herd-rounds <n>   (default 20)
      --herd-idle <ms>       idle time that measures the ping rate (default 2000)
      --scale <list>         populations (default 1000,5000)   --join-concurrency <n> (default 100)
      --scale-fleet <n>      candidates from several processes on one ensemble (default 20000;
                             none to skip)   --scale-processes <n> (default 4)
      --scale-rounds <n>     leader failures measured on that fleet (default 3)
      --crash-rounds <n>     (default 5)             --crash-session-timeout <ms> (default 4000)
      --crash-processes <n>  \`zk-elect node\` processes in line (default 3)
      --ops <n>              pipelined getData calls per run (default 100000)
      --creates <n>          pipelined creates per run (default 20000)
      --window <n>           requests in flight (default 1000)
      --ops-runs <n>         runs per client, median reported (default 3)
      --ops-warmup <n>       warm-up getData calls per client (default 5000)
      --ops-sweep <list>     getData again at these windows, one run per client with half
                             the calls: the most the server gives any client (default
                             100,300,3000; none to skip)
      --ops-clients <list>   zk-elect,nzc,java (default all three)
      --server-jit <full|c1> local server: full tiered JIT (default), or c1 = the test
                             harness's TestingServer (-XX:TieredStopAtLevel=1)
      --tick-time <ms>       local server tickTime (default 2000)
      --zk-version <x.y.z>   the local server's ZooKeeper release, from Maven Central (once, into
                             the cache), or debian for Debian's package (default $ZK_VERSION, else 3.9.5)
      --out <dir>            write latest.json, latest.md and failover.svg there
                             (\`all\` writes to bench/results/ by default)
      --quick                tiny sizes, for a smoke run (\`all\` then writes no files without --out)
      --server-pid <pid>     the pid of a local --zookeeper server: ops then reports its CPU per request
  -h, --help                 show this help

Example: zk-elect bench all        (about 20 minutes on 2 cores)
         zk-elect bench failover --candidates 10 --rounds 50 --peers curator
`;
