#!/usr/bin/python3
"""Peer program on kazoo: the release bench/lib/peer-install.ts names, from PyPI, run with the
python of its virtualenv; else Debian's python3-kazoo, run with Debian's /usr/bin/python3.

  failover  kazoo's Election recipe: N candidates, each with its own KazooClient (own session)
            and a thread blocked in election.run(lead); each round the leader stops its client
            (zk.stop(): closeSession), and we time from that call to the successor's lead().
  floor     closeSession of one KazooClient to a second client's NodeDeleted notification, and
            that client's get_children_async of the parent sent from the watch callback (the
            re-list an election makes): notification -> reply.

Progress on stderr; one JSON result line on stdout with the fields of bench/lib/types.ts.

  <venv>/bin/python bench/peers/kazoo_peer.py failover --zookeeper 127.0.0.1:2181 --candidates 10
"""
import json
import logging
import math
import os
import sys
import threading
import time

from kazoo.client import KazooClient
from kazoo.protocol.states import EventType

logging.basicConfig(level=logging.CRITICAL)


def flags(argv):
    out = {}
    i = 0
    while i < len(argv):
        key = argv[i]
        if not key.startswith('--'):
            raise SystemExit('unexpected argument %s' % key)
        if i + 1 < len(argv) and not argv[i + 1].startswith('--'):
            out[key[2:]] = argv[i + 1]
            i += 2
        else:
            out[key[2:]] = 'true'
            i += 1
    return out


def log(msg):
    sys.stderr.write('[peer] %s\n' % msg)
    sys.stderr.flush()


def percentile(sorted_xs, q):
    """Nearest rank, as bench/lib/stats.ts."""
    if not sorted_xs:
        return None
    rank = int(math.ceil(q * len(sorted_xs)))
    return sorted_xs[min(len(sorted_xs) - 1, max(0, rank - 1))]


def summary(samples):
    s = sorted(samples)
    r3 = lambda v: None if v is None else round(v, 3)
    return {
        'n': len(s),
        'min': r3(s[0] if s else None),
        'p50': r3(percentile(s, 0.5)),
        'p90': r3(percentile(s, 0.9)),
        'p99': r3(percentile(s, 0.99)),
        'max': r3(s[-1] if s else None),
        'mean': r3(sum(s) / len(s) if s else None),
    }


def result(scenario, f, samples, close=None):
    out = {'scenario': scenario, 'impl': 'kazoo'}
    if scenario == 'failover':
        out['candidates'] = int(f.get('candidates', 10))
    out['rounds'] = int(f.get('rounds', 200))
    out['warmup'] = int(f.get('warmup', 20))
    if close:
        out['close'] = close
    out['latencyMs'] = summary(samples)
    out['samplesMs'] = [round(v, 4) for v in samples]
    return out


def client(cs, timeout_ms):
    zk = KazooClient(hosts=cs, timeout=timeout_ms / 1000.0)
    zk.start(timeout=15)
    return zk


class Candidate(object):
    """A KazooClient and a thread contending in Election.run()."""

    def __init__(self, cs, parent, timeout_ms, ident):
        self.zk = client(cs, timeout_ms)
        self.election = self.zk.Election(parent, ident)
        self.leader = False
        self.on_elected = None
        self.release = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 15
        # Joined once its lock node exists (so candidates queue in creation order).
        while self.election.lock.node is None:
            if time.monotonic() > deadline:
                raise RuntimeError('kazoo candidate did not create its node')
            time.sleep(0.001)

    def _run(self):
        try:
            self.election.run(self._lead)
        except Exception:
            pass  # the session was closed under the leader: expected

    def _lead(self):
        t1 = time.perf_counter()
        self.leader = True
        cb = self.on_elected
        if cb is not None:
            cb(t1)
        self.release.wait()

    def close(self):
        self.zk.stop()
        self.release.set()
        self.zk.close()


def failover(f):
    cs = f['zookeeper']
    n = int(f.get('candidates', 10))
    rounds = int(f.get('rounds', 200))
    warmup = int(f.get('warmup', 20))
    timeout = int(f.get('session-timeout', 30000))
    pause = int(f.get('pause', 5)) / 1000.0
    parent = '/zk-elect-bench/kazoo-failover-%d-%d' % (os.getpid(), int(time.time() * 1000))
    queue = []
    samples = []
    ids = 0
    try:
        for _ in range(n):
            queue.append(Candidate(cs, parent, timeout, 'c%d' % ids))
            ids += 1
        deadline = time.monotonic() + 15
        while not queue[0].leader:
            if time.monotonic() > deadline:
                raise RuntimeError('no first leader')
            time.sleep(0.001)
        time.sleep(0.2)
        total = warmup + rounds
        for r in range(total):
            leader = queue.pop(0)
            successor = queue[0]
            if not leader.leader:
                raise RuntimeError('round %d: the first candidate is not the leader' % r)
            done = threading.Event()
            box = {}

            def elected(t1, box=box, done=done):
                box['t1'] = t1
                done.set()

            successor.on_elected = elected
            if successor.leader:
                elected(time.perf_counter())
            t0 = time.perf_counter()
            leader.close()
            if not done.wait(15):
                raise RuntimeError('round %d: no new leader within 15 s' % r)
            successor.on_elected = None
            if r >= warmup:
                samples.append((box['t1'] - t0) * 1000.0)
            queue.append(Candidate(cs, parent, timeout, 'c%d' % ids))
            ids += 1
            leaders = sum(1 for c in queue if c.leader)
            if leaders != 1:
                raise RuntimeError('round %d: %d leaders' % (r, leaders))
            if (r + 1) % 50 == 0:
                log('failover kazoo N=%d: %d/%d rounds' % (n, r + 1, total))
            time.sleep(pause)
    finally:
        for c in queue:
            try:
                c.close()
            except Exception:
                pass
        try:
            admin = client(cs, 30000)
            admin.delete(parent, recursive=True)
            admin.stop()
            admin.close()
        except Exception:
            pass
    print(json.dumps(result('failover', f, samples, 'zk.stop() (closeSession); zk.close()')))


def floor(f):
    cs = f['zookeeper']
    rounds = int(f.get('rounds', 200))
    warmup = int(f.get('warmup', 20))
    timeout = int(f.get('session-timeout', 30000))
    pause = int(f.get('pause', 5)) / 1000.0
    parent = '/zk-elect-bench/kazoo-floor-%d-%d' % (os.getpid(), int(time.time() * 1000))
    watcher = client(cs, 30000)
    watcher.ensure_path(parent)
    samples = []
    relist = []
    total = []
    try:
        for r in range(warmup + rounds):
            owner = client(cs, timeout)
            path = '%s/e%d' % (parent, r)
            owner.create(path, b'bench', ephemeral=True)
            # On a quorum the watcher's server may not have applied the create yet (reads are
            # ordered per client, not across clients): wait until it sees the node, untimed.
            tries = 0
            while watcher.exists(path) is None:
                tries += 1
                if tries == 1000:
                    raise RuntimeError('%s never became visible to the watcher' % path)
                time.sleep(0.001)
            # The owner idles before its close, as a failover's leader has (the zk-elect floor says why).
            time.sleep(pause)
            done = threading.Event()
            box = {}

            def listed(_async_result, box=box, done=done):
                box['t2'] = time.perf_counter()
                done.set()

            def watch(ev, box=box):
                if ev.type == EventType.DELETED:
                    box['t1'] = time.perf_counter()
                    # Asynchronous: a blocking call inside a watch callback would hold kazoo's event thread.
                    watcher.get_children_async(parent).rawlink(listed)

            if watcher.exists(path, watch=watch) is None:
                raise RuntimeError('node vanished')
            t0 = time.perf_counter()
            owner.stop()
            if not done.wait(15):
                raise RuntimeError('floor round %d: no NodeDeleted and re-list' % r)
            owner.close()
            if r >= warmup:
                samples.append((box['t1'] - t0) * 1000.0)
                relist.append((box['t2'] - box['t1']) * 1000.0)
                total.append((box['t2'] - t0) * 1000.0)
    finally:
        try:
            watcher.delete(parent, recursive=True)
        except Exception:
            pass
        watcher.stop()
        watcher.close()
    out = result('floor', f, samples)
    out['relist'] = {
        'afterNotifyMs': summary(relist),
        'totalMs': summary(total),
        'afterNotifySamplesMs': [round(v, 4) for v in relist],
        'totalSamplesMs': [round(v, 4) for v in total],
    }
    print(json.dumps(out))


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ('failover', 'floor'):
        sys.stderr.write('usage: kazoo_peer.py failover|floor --zookeeper <cs> [--candidates N --rounds N ...]\n')
        sys.exit(2)
    f = flags(sys.argv[2:])
    if sys.argv[1] == 'failover':
        failover(f)
    else:
        floor(f)
    sys.stdout.flush()
    os._exit(0)


if __name__ == '__main__':
    main()
