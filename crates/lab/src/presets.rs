//! Ready-made scenarios. A preset is a link: a query string that
//! [`crate::query::parse`] turns into a setup, so a preset, a shared link
//! and a command line all describe the same run.

use crate::query::{parse, Query};
use crate::Algo;

/// A named scenario.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Preset {
    /// A stable identifier: `?preset=dueling-proposers`.
    pub id: &'static str,
    pub algo: Algo,
    pub title: &'static str,
    /// What to watch for, in a sentence or two.
    pub description: &'static str,
    /// The setup as query parameters.
    pub query: &'static str,
    /// When to look: the step where the scenario's point happens.
    pub moment: Moment,
}

/// The step where a scenario's point happens, and how a test knows it does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Moment {
    pub step: u64,
    /// What happens there, as the app offers it: "jump to step N: WHAT".
    pub what: &'static str,
    pub sign: Sign,
}

/// What is true at a [`Moment`]'s step and not the step before.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sign {
    /// The run's first violation, of this property.
    Violation(&'static str),
    /// The protocol's banner comes to contain this text.
    Banner(&'static str),
    /// The event log gets a line containing this text.
    Log(&'static str),
}

/// The seed of "dueling proposers": without back-off its two proposers
/// preempt each other for a dozen rounds (tests pin this).
pub const DUELING_SEED: u64 = 2960;

// The steps where the primary-backup presets make their point (tests pin them).
const STEP_FAILOVER: u64 = 56;
const STEP_FENCED: u64 = 98;
const STEP_SPLIT: u64 = 65;
const STEP_CHAIN: u64 = 177;
// And the load-balancing presets.
const STEP_RR_FULL: u64 = 629;
const STEP_LO_SAMPLE: u64 = 39;

/// The CAP presets' world and actions, the same for kv-raft and kv-lww (so
/// the two can be compared side by side): a partition puts server 1 and
/// client 4 apart from servers 0 and 2 and client 3; client 3 writes x=103,
/// client 4 writes x=104 on its side, client 3 reads x, the partition
/// heals, client 4 reads x.
macro_rules! cap_partition {
    () => {
        r#"&nodes=5&seed=1&think_ms=60000..60000&attempts=3&actions=[{"step":10,"do":"partition","groups":[[0,2,3],[1,4]]},{"step":11,"do":"request","node":3,"cmd":"x=103"},{"step":30,"do":"request","node":4,"cmd":"x=104"},{"step":50,"do":"request","node":3,"cmd":"read x"},{"step":70,"do":"heal"},{"step":110,"do":"request","node":4,"cmd":"read x"}]"#
    };
}

pub const PRESETS: &[Preset] = &[
    // Raft's two classic failures, with the guided tours' worlds (seed 3).
    Preset {
        id: "raft-leader-crash",
        algo: Algo::Raft,
        title: "The leader crashes",
        description: "Node 1 leads term 1 and crashes at step 30. No heartbeat comes: nodes 2 and 3 time \
                      out and both stand for term 2, each asking for the votes of a majority; each node \
                      grants one vote per term, so at most one of them can win. Node 2 does, 15 events after \
                      the crash.",
        query: r#"algo=raft&nodes=5&seed=3&actions=[{"step":30,"do":"crash","node":1}]"#,
        moment: Moment { step: 45, what: "node 2 wins the election of term 2", sign: Sign::Log("node 2 is leader of term 2") },
    },
    Preset {
        id: "raft-partitioned-leader",
        algo: Algo::Raft,
        title: "A leader cut off in a minority",
        description: "A partition leaves leader 1 and node 2 on the small side. Leader 1 appends \"x=1\" but \
                      can never commit it: two of five is no majority. The three on the large side time out, \
                      split their votes, then elect node 3 in term 4, which commits \"y=2\". Two nodes think \
                      they lead, in terms 1 and 4; when the partition heals node 1 sees term 4, steps down, \
                      and \"y=2\" replaces the uncommitted \"x=1\" on both nodes of the small side.",
        query: r#"algo=raft&nodes=5&seed=3&actions=[{"step":20,"do":"partition","groups":[[1,2]]},{"step":21,"do":"request","node":1,"cmd":"x=1"},{"step":95,"do":"request","node":3,"cmd":"y=2"},{"step":130,"do":"heal"}]"#,
        moment: Moment {
            step: 92,
            what: "node 3 leads term 4 while node 1 still leads term 1",
            sign: Sign::Log("node 3 is leader of term 4"),
        },
    },
    Preset {
        id: "dueling-proposers",
        algo: Algo::Paxos,
        title: "Dueling proposers",
        description: "Proposers 0 and 1 want different values at once. Without back-off each new prepare \
                      preempts the other's accept for a dozen rounds; turn back-off on and a value is chosen \
                      in the first round.",
        query: r#"algo=paxos&nodes=5&seed=2960&backoff=off&actions=[{"step":0,"do":"request","node":0,"cmd":"a"},{"step":0,"do":"request","node":1,"cmd":"b"}]"#,
        moment: Moment { step: 168, what: "after the duel a value is chosen", sign: Sign::Banner("chosen") },
    },
    Preset {
        id: "acceptor-crash-phase-2",
        algo: Algo::Paxos,
        title: "Acceptor crash during phase 2",
        description: "Acceptor 4 crashes while proposer 0's accept request to it is in flight. Acceptors 2 \
                      and 3 are still a majority, so \"x\" is chosen. Acceptor 4 restarts still knowing its \
                      promise, but as a learner it missed the news: single-decree Paxos has no catch-up.",
        query: r#"algo=paxos&nodes=5&seed=4&actions=[{"step":0,"do":"request","node":0,"cmd":"x"},{"step":5,"do":"crash","node":4},{"step":19,"do":"restart","node":4}]"#,
        moment: Moment {
            step: 16,
            what: "\"x\" is chosen by acceptors 2 and 3, without acceptor 4",
            sign: Sign::Banner("chosen “x”"),
        },
    },
    Preset {
        id: "leader-change-open-slot",
        algo: Algo::MultiPaxos,
        title: "Leader change with an open slot",
        description: "Leader 4 has \"a\" chosen in slot 0, then proposes \"b\" (every accept lost) and \
                      \"c\" (accepted by two acceptors only) and crashes. The next leader's phase 1 finds \
                      \"c\" in slot 2 and nothing in slot 1: it re-proposes \"c\" and fills slot 1 with a \
                      no-op. \"b\" was never chosen, so it is gone.",
        query: r#"algo=multipaxos&nodes=5&seed=6&actions=[{"step":18,"do":"request","node":4,"cmd":"a"},{"step":47,"do":"request","node":4,"cmd":"b"},{"step":47,"do":"drop","msg":52},{"step":47,"do":"drop","msg":53},{"step":47,"do":"drop","msg":54},{"step":47,"do":"drop","msg":55},{"step":47,"do":"drop","msg":56},{"step":47,"do":"request","node":4,"cmd":"c"},{"step":47,"do":"drop","msg":59},{"step":47,"do":"drop","msg":60},{"step":47,"do":"drop","msg":61},{"step":58,"do":"crash","node":4}]"#,
        moment: Moment {
            step: 132,
            what: "the new leader's no-op fills slot 1",
            sign: Sign::Log("slot 1 = \"no-op\""),
        },
    },
    // Kleppmann's figure and a slow clock, each under a bare lease and with
    // fencing (lock::presets holds them as data; a test keeps both equal).
    Preset {
        id: lock::presets::KLEPPMANN_LEASE.id,
        algo: Algo::LockLease,
        title: lock::presets::KLEPPMANN_LEASE.title,
        description: lock::presets::KLEPPMANN_LEASE.description,
        query: r#"algo=lock-lease&nodes=4&seed=1&first_token=33&actions=[{"step":4,"do":"pause","node":1,"for":1500}]"#,
        moment: Moment {
            step: 35,
            what: "the storage accepts the stale write",
            sign: Sign::Violation("Storage Mutual Exclusion"),
        },
    },
    Preset {
        id: lock::presets::KLEPPMANN_FENCED.id,
        algo: Algo::LockFenced,
        title: lock::presets::KLEPPMANN_FENCED.title,
        description: lock::presets::KLEPPMANN_FENCED.description,
        query: r#"algo=lock-fenced&nodes=4&seed=1&first_token=33&actions=[{"step":4,"do":"pause","node":1,"for":1500}]"#,
        moment: Moment { step: 35, what: "the storage rejects the stale token", sign: Sign::Log("rejects the write") },
    },
    Preset {
        id: lock::presets::SLOW_CLOCK_LEASE.id,
        algo: Algo::LockLease,
        title: lock::presets::SLOW_CLOCK_LEASE.title,
        description: lock::presets::SLOW_CLOCK_LEASE.description,
        query: r#"algo=lock-lease&nodes=4&seed=10&actions=[{"step":0,"do":"drift","node":1,"rate":0.5}]"#,
        moment: Moment {
            step: 109,
            what: "two clients hold the lease; the storage accepts both",
            sign: Sign::Violation("Storage Mutual Exclusion"),
        },
    },
    Preset {
        id: lock::presets::SLOW_CLOCK_FENCED.id,
        algo: Algo::LockFenced,
        title: lock::presets::SLOW_CLOCK_FENCED.title,
        description: lock::presets::SLOW_CLOCK_FENCED.description,
        query: r#"algo=lock-fenced&nodes=4&seed=10&actions=[{"step":0,"do":"drift","node":1,"rate":0.5}]"#,
        moment: Moment {
            step: 109,
            what: "the storage rejects the slow client's stale token",
            sign: Sign::Log("rejects the write"),
        },
    },
    Preset {
        id: lock::presets::SLOW_CLOCK_REDLOCK.id,
        algo: Algo::Redlock,
        title: lock::presets::SLOW_CLOCK_REDLOCK.title,
        description: lock::presets::SLOW_CLOCK_REDLOCK.description,
        query: r#"algo=redlock&nodes=8&seed=2&actions=[{"step":0,"do":"drift","node":5,"rate":0.5}]"#,
        moment: Moment {
            step: 342,
            what: "two clients each hold a majority; the storage accepts both",
            sign: Sign::Violation("Storage Mutual Exclusion"),
        },
    },
    Preset {
        id: "2pc-coordinator-crash",
        algo: Algo::TwoPc,
        title: "2PC: coordinator crash after prepare",
        description: "Every participant votes yes; the coordinator logs commit and crashes before it can say so. \
                      The participants are in doubt and blocked: they may neither commit nor abort, and ask in \
                      vain. When the coordinator restarts it re-sends its logged decision and they commit.",
        query: r#"algo=2pc&nodes=4&seed=1&actions=[{"step":0,"do":"request","node":0,"cmd":"tx"},{"step":5,"do":"crash-mid-step","node":0,"after":1},{"step":30,"do":"restart","node":0}]"#,
        moment: Moment {
            step: 11,
            what: "every participant is in doubt and blocked",
            sign: Sign::Banner("3 of 3 in doubt and blocked"),
        },
    },
    Preset {
        id: "2pc-vote-no",
        algo: Algo::TwoPc,
        title: "2PC: a participant votes no",
        description:
            "Participant 2 cannot commit and votes no: the coordinator logs abort and every participant aborts.",
        query: r#"algo=2pc&nodes=4&seed=1&vote_no=2&actions=[{"step":0,"do":"request","node":0,"cmd":"tx"}]"#,
        moment: Moment {
            step: 9,
            what: "the transaction is aborted everywhere",
            sign: Sign::Banner("aborted everywhere"),
        },
    },
    Preset {
        id: "3pc-partition",
        algo: Algo::ThreePc,
        title: "3PC: partition during pre-commit",
        description:
            "The coordinator sends pre-commit, and a partition cuts participants 2 and 3 off. Coordinator and \
                      participant 1 commit; 2 and 3 run the termination protocol, see nobody pre-committed and abort: \
                      Atomicity turns red. 3PC is nonblocking under crashes, not under partitions (Skeen 1981).",
        query: r#"algo=3pc&nodes=4&seed=1&actions=[{"step":0,"do":"request","node":0,"cmd":"tx"},{"step":6,"do":"partition","groups":[[0,1],[2,3]]}]"#,
        moment: Moment { step: 19, what: "the two sides decide differently", sign: Sign::Violation("Atomicity") },
    },
    Preset {
        id: "saga-step-3-fails",
        algo: Algo::Saga,
        title: "Step 3 of the saga fails",
        description: "The orchestrator runs T1 and T2 on services 1 and 2; service 3 refuses T3. The orchestrator \
                      compensates in reverse, C2 then C1, and the saga ends compensated. Between steps the world sees \
                      the saga half done: the event log notes each intermediate state.",
        query: r#"algo=saga&nodes=5&seed=1&fail_step=3&actions=[{"step":0,"do":"request","node":0,"cmd":"order"}]"#,
        moment: Moment {
            step: 10,
            what: "the saga ends compensated",
            sign: Sign::Banner("every done step compensated"),
        },
    },
    Preset {
        id: "outbox-relay-crash",
        algo: Algo::Outbox,
        title: "The relay crashes after publishing, before marking sent",
        description: "The service commits change 1 with its outbox row. The relay publishes it to the broker and \
                      crashes before it can mark the row sent. Restarted, it finds the row still unsent and \
                      publishes it again: the broker delivers message 1 twice (at least once), and the consumer, \
                      which remembers processed ids, applies it once.",
        query: r#"algo=outbox&nodes=4&seed=1&actions=[{"step":0,"do":"request","node":0,"cmd":"a"},{"step":2,"do":"crash","node":1},{"step":8,"do":"restart","node":1}]"#,
        moment: Moment { step: 13, what: "the consumer skips the duplicate", sign: Sign::Log("skips message 1") },
    },
    Preset {
        id: "abd-new-old-inversion",
        algo: Algo::Abd,
        title: "ABD without write-back: a new-old inversion",
        description: "Client 3's write of x=1 reaches server 0 only (its links to 1 and 2 are cut once it updates). \
                      Client 4 reads through servers 0 and 1 and returns the new value 1 without writing it back; \
                      client 5 then reads through 1 and 2 and returns the old nil. The linearizability checker \
                      catches the inversion with the three operations.",
        query: r#"algo=abd&nodes=6&seed=1&think_ms=60000..60000&bug=no-write-back&actions=[{"step":0,"do":"cut","from":4,"to":2},{"step":0,"do":"cut","from":5,"to":0},{"step":0,"do":"request","node":3,"cmd":"write x 1"},{"step":5,"do":"cut","from":3,"to":1},{"step":5,"do":"cut","from":3,"to":2},{"step":7,"do":"request","node":4,"cmd":"read x"},{"step":19,"do":"request","node":5,"cmd":"read x"}]"#,
        moment: Moment {
            step: 23,
            what: "a later read returns the older value",
            sign: Sign::Violation("Linearizability"),
        },
    },
    Preset {
        id: "abd-write-back",
        algo: Algo::Abd,
        title: "ABD: the read's write-back keeps later reads current",
        description: "The same cut links as the inversion preset, with ABD as published: client 4 reads the new \
                      value 1 from servers 0 and 1 and writes it back to a majority before returning, so client 5, \
                      reading through servers 1 and 2, finds 1 too. The history stays linearizable.",
        query: r#"algo=abd&nodes=6&seed=1&think_ms=60000..60000&actions=[{"step":0,"do":"cut","from":4,"to":2},{"step":0,"do":"cut","from":5,"to":0},{"step":0,"do":"request","node":3,"cmd":"write x 1"},{"step":5,"do":"cut","from":3,"to":1},{"step":5,"do":"cut","from":3,"to":2},{"step":7,"do":"request","node":4,"cmd":"read x"},{"step":19,"do":"request","node":5,"cmd":"read x"}]"#,
        moment: Moment {
            step: 14,
            what: "client 4 writes back what it read",
            sign: Sign::Banner("client 4: read x (write-back)"),
        },
    },
    Preset {
        id: "pb-failover",
        algo: Algo::PrimaryBackup,
        title: "The primary crashes, the backup takes over",
        description: "The client writes to replica 1, which replicates each write to replica 2 before accepting it. \
                      Replica 1 crashes: its heartbeats stop, replica 2's detector suspects it after the timeout and \
                      it promotes itself in epoch 2. The client's write times out, it tries replica 2, and writes go on.",
        query: r#"algo=primary-backup&nodes=3&seed=1&actions=[{"step":40,"do":"crash","node":1}]"#,
        moment: Moment { step: STEP_FAILOVER, what: "the backup promotes itself", sign: Sign::Log("promotes itself") },
    },
    Preset {
        id: "pb-false-suspicion-fenced",
        algo: Algo::PrimaryBackup,
        title: "A paused primary is suspected, and fenced",
        description: "Replica 1 pauses for 600 ms, like a long GC pause. Replica 2 hears no heartbeat, suspects it \
                      (falsely: it is alive) and promotes itself in epoch 2. When replica 1 wakes it still believes \
                      it is primary and replicates the client's queued write in epoch 1: replica 2 refuses the stale \
                      epoch, replica 1 steps down, and only one primary ever accepts writes.",
        query: r#"algo=primary-backup&nodes=3&seed=1&fencing=epoch&actions=[{"step":40,"do":"pause","node":1,"for":600}]"#,
        moment: Moment { step: STEP_FENCED, what: "the stale epoch is refused", sign: Sign::Log("of stale epoch 1") },
    },
    Preset {
        id: "pb-split-brain",
        algo: Algo::PrimaryBackup,
        title: "A false suspicion without fencing is a split brain",
        description: "The same pause with fencing=none. Replica 2 promotes itself without a new epoch and accepts \
                      the client's next write while replica 1, paused but alive, still believes it is primary: two \
                      primaries accept writes in one epoch, and the checker names it.",
        query: r#"algo=primary-backup&nodes=3&seed=1&fencing=none&actions=[{"step":40,"do":"pause","node":1,"for":600}]"#,
        moment: Moment {
            step: STEP_SPLIT,
            what: "two primaries accept writes",
            sign: Sign::Violation("At most one primary per epoch accepts writes"),
        },
    },
    Preset {
        id: "pb-chain-failover",
        algo: Algo::PrimaryBackup,
        title: "A chain of three loses its head, then the next",
        description: "Three replicas in a chain: each write enters at the head, flows to the tail, and the \
                      acknowledgement flows back. The head crashes: replica 2, next in line, suspects it and heads \
                      the rest of the chain in epoch 2. Then replica 2 crashes: replica 3 suspects both it and the \
                      old head and carries on alone in epoch 3, the next epoch it owns.",
        query: r#"algo=primary-backup&nodes=4&seed=1&topology=chain&actions=[{"step":60,"do":"crash","node":1},{"step":160,"do":"crash","node":2}]"#,
        moment: Moment { step: STEP_CHAIN, what: "the tail heads what is left", sign: Sign::Log("replica 3 suspects primary 2") },
    },
    Preset {
        id: "balance-slow-server-round-robin",
        algo: Algo::Balance,
        title: "A slow server under round robin",
        description: "Server 2 is five times slower than the others. Round robin sends it a quarter of the \
                      requests anyway: its queue fills, it refuses requests, and what it holds waits so long that \
                      the balancer gives up on it; p99 climbs to the timeout. The ring, blind to load, does the same.",
        query: "algo=balance&nodes=5&seed=1&strategy=round-robin&slow=2",
        moment: Moment { step: STEP_RR_FULL, what: "the slow server's queue is full", sign: Sign::Log("queue is full") },
    },
    Preset {
        id: "balance-slow-server-least-outstanding",
        algo: Algo::Balance,
        title: "Least outstanding routes around the slow server",
        description: "The same slow server and request stream with least-outstanding: the balancer sends each \
                      request to the server that owes it the fewest, so the slow one gets what it can handle, \
                      nothing is refused, and p99 stays a fraction of round robin's. Two choices does nearly as well.",
        query: "algo=balance&nodes=5&seed=1&strategy=least-outstanding&slow=2",
        moment: Moment { step: STEP_LO_SAMPLE, what: "the first sample of the charts", sign: Sign::Banner("p99") },
    },
    Preset {
        id: "kv-raft-partition",
        algo: Algo::KvRaft,
        title: "CAP, the CP side: Raft's minority refuses",
        description: "Servers 0 and 2 with client 3 are cut off from server 1 and client 4. Client 3's write x=103 \
                      commits through the majority. Client 4's write x=104 reaches server 1, which is no leader and \
                      refuses; the leader it names is out of reach, so the client gives up: info, never acknowledged. \
                      Client 3 reads 103, and after the heal client 4 reads 103 too: linearizable, at the cost of \
                      availability on the minority side. Compare with kv-lww-partition, the same actions.",
        query: concat!("algo=kv-raft", cap_partition!()),
        moment: Moment { step: 55, what: "the minority's client gives up", sign: Sign::Log("client 4 gives up") },
    },
    Preset {
        id: "kv-lww-partition",
        algo: Algo::KvLww,
        title: "CAP, the AP side: both sides write, one write is lost",
        description: "The same partition and actions as kv-raft-partition. Replica 1 takes client 4's write x=104 on \
                      its own, so client 3 then reads 103 after 104 was acknowledged: the history is not linearizable. \
                      When the partition heals, anti-entropy keeps the later timestamp, 104, and replica 0's \
                      acknowledged write of 103 is lost: available on both sides, at the cost of consistency.",
        query: concat!("algo=kv-lww", cap_partition!()),
        moment: Moment { step: 59, what: "a read returns the overwritten value", sign: Sign::Banner("Linearizable: no") },
    },
];

impl Preset {
    pub fn find(id: &str) -> Option<&'static Preset> {
        PRESETS.iter().find(|p| p.id == id)
    }

    /// The preset's setup.
    pub fn load(&self) -> Query {
        let pairs: Vec<(&str, &str)> = self.query.split('&').filter_map(|kv| kv.split_once('=')).collect();
        parse(pairs).expect("presets are valid (tested)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_happens_at_its_moment() {
        for p in PRESETS {
            let m = p.moment;
            let mut s = crate::open(&p.load().setup).unwrap();
            while s.steps() + 1 < m.step && s.step() {}
            let before = (s.first_violation().map(|v| v.property), s.picture().banner);
            assert!(s.step() && s.steps() == m.step, "{}: reaches step {}", p.id, m.step);
            let shown = |sign: Sign, s: &dyn sim::Session| match sign {
                Sign::Violation(property) => s.first_violation().is_some_and(|v| v.property == property),
                Sign::Banner(text) => s.picture().banner.is_some_and(|b| b.contains(text)),
                Sign::Log(text) => s.log_tail(8).iter().any(|l| l.step == s.steps() && l.text.contains(text)),
            };
            assert!(shown(m.sign, s.as_ref()), "{}: {:?} at step {}", p.id, m.sign, m.step);
            let already = match m.sign {
                Sign::Violation(_) => before.0.is_some(),
                Sign::Banner(text) => before.1.is_some_and(|b| b.contains(text)),
                Sign::Log(_) => false,
            };
            assert!(!already, "{}: {:?} already before step {}", p.id, m.sign, m.step);
        }
    }

    #[test]
    fn every_preset_loads_for_its_algorithm() {
        for p in PRESETS {
            let q = p.load();
            assert_eq!(q.setup.algo, p.algo, "{}", p.id);
            crate::open(&q.setup).unwrap();
        }
    }
}
