//! Raft, one handler at a time, against the paper (Ongaro & Ousterhout,
//! "In Search of an Understandable Consensus Algorithm", extended version).
//! Each test names the section it checks and asserts the exact commands.

use protocol::{Cluster, Command, Input, Level, Note, Out, Protocol};
use raft::{Bug, Durable, Entry, Log, Msg, Raft, RaftConfig, RaftTimer, Role};

type Cmds = Vec<Command<Msg, RaftTimer, ()>>;

fn cluster(n: u32) -> Cluster {
    Cluster { nodes: n }
}

fn node(id: u32, n: u32) -> Raft {
    Raft::new(id, &cluster(n), &RaftConfig::default(), None)
}

fn node_with(id: u32, n: u32, term: u64, log_terms: &[u64]) -> Raft {
    node_with_bug(None, id, n, term, log_terms)
}

fn node_with_bug(bug: Option<Bug>, id: u32, n: u32, term: u64, log_terms: &[u64]) -> Raft {
    let mut log = Log::default();
    for (i, t) in log_terms.iter().enumerate() {
        log.push(Entry::new(*t, &format!("c{}", i + 1)));
    }
    let config = RaftConfig { bug, ..RaftConfig::default() };
    Raft::new(id, &cluster(n), &config, Some(&Durable { current_term: term, voted_for: None, log }))
}

fn terms(r: &Raft) -> Vec<u64> {
    r.log().iter().map(|e| e.term).collect()
}

fn step(r: &mut Raft, input: Input<Msg, RaftTimer>) -> Cmds {
    let mut out = Out::default();
    r.step(0, input, &mut out);
    out.take().into_iter().map(Command::erase_state).collect()
}

fn deliver(r: &mut Raft, from: u32, msg: Msg) -> Cmds {
    step(r, Input::Message { from, msg })
}

fn sends(cmds: &Cmds) -> Vec<(u32, Msg)> {
    cmds.iter()
        .filter_map(|c| match c {
            Command::Send { to, msg } => Some((*to, msg.clone())),
            _ => None,
        })
        .collect()
}

fn election_timer() -> Command<Msg, RaftTimer, ()> {
    Command::SetTimer { timer: RaftTimer::Election, after_min: 150, after_max: 300 }
}

/// Elect node 0 of `n` in term 1 by delivering every vote.
fn elect(n: u32) -> Raft {
    let mut r = node(0, n);
    step(&mut r, Input::Start);
    step(&mut r, Input::Timer(RaftTimer::Election));
    for peer in 1..n {
        deliver(&mut r, peer, Msg::RequestVoteReply { term: 1, vote_granted: true });
    }
    assert_eq!(r.role(), Role::Leader);
    r
}

/// §5.2: "When servers start up, they begin as followers", with an election
/// timeout chosen randomly from a fixed interval (150–300 ms).
#[test]
fn servers_start_as_followers_with_a_randomized_election_timeout() {
    let mut r = node(0, 5);
    assert_eq!(r.role(), Role::Follower);
    assert_eq!(step(&mut r, Input::Start), vec![election_timer()]);
}

/// §5.2: on timeout a follower "increments its current term and transitions
/// to candidate state. It then votes for itself and issues RequestVote RPCs in
/// parallel"; the vote is persisted before any message leaves (Figure 2).
#[test]
fn election_timeout_starts_an_election_and_persists_before_sending() {
    let mut r = node(2, 3);
    let cmds = step(&mut r, Input::Timer(RaftTimer::Election));
    let rv = Msg::RequestVote { term: 1, last_log_index: 0, last_log_term: 0 };
    assert_eq!(
        cmds,
        vec![
            Command::Persist(()),
            Command::Emit(Note { level: Level::Info, text: "node 2 starts an election for term 1".into() }),
            election_timer(),
            Command::Send { to: 0, msg: rv.clone() },
            Command::Send { to: 1, msg: rv },
        ]
    );
    assert_eq!((r.role(), r.current_term(), r.voted_for()), (Role::Candidate, 1, Some(2)));
}

/// §5.2: "Each server will vote for at most one candidate in a given term, on
/// a first-come-first-served basis."
#[test]
fn one_vote_per_term() {
    let mut r = node(0, 5);
    let rv = |term| Msg::RequestVote { term, last_log_index: 0, last_log_term: 0 };
    let cmds = deliver(&mut r, 1, rv(1));
    assert!(matches!(cmds[0], Command::Persist(_)), "the term is persisted first");
    assert_eq!(sends(&cmds), vec![(1, Msg::RequestVoteReply { term: 1, vote_granted: true })]);
    assert!(cmds.contains(&election_timer()), "granting a vote resets the election timer");
    let cmds = deliver(&mut r, 2, rv(1));
    assert_eq!(sends(&cmds), vec![(2, Msg::RequestVoteReply { term: 1, vote_granted: false })]);
    // The same candidate asking again (a duplicate) gets the same answer.
    let cmds = deliver(&mut r, 1, rv(1));
    assert_eq!(sends(&cmds), vec![(1, Msg::RequestVoteReply { term: 1, vote_granted: true })]);
}

/// §5.4.1: "the voter denies its vote if its own log is more up-to-date than
/// that of the candidate": compare the last terms, then the lengths.
#[test]
fn election_restriction_denies_votes_to_stale_logs() {
    let ask = |last_log_index, last_log_term| {
        let mut r = node_with(0, 5, 3, &[1, 1, 3]);
        let cmds = deliver(&mut r, 1, Msg::RequestVote { term: 4, last_log_index, last_log_term });
        matches!(sends(&cmds)[0].1, Msg::RequestVoteReply { vote_granted: true, .. })
    };
    assert!(!ask(5, 2), "lower last term loses even with a longer log");
    assert!(!ask(2, 3), "same last term, shorter log");
    assert!(ask(3, 3), "equal logs");
    assert!(ask(1, 4), "higher last term wins even with a shorter log");
}

/// §5.1: "If a server receives a request with a stale term number, it rejects
/// the request"; "if one server's current term is smaller than the other's,
/// then it updates its current term"; a leader "immediately reverts to
/// follower state".
#[test]
fn terms_order_everything() {
    let mut r = node_with(0, 3, 5, &[]);
    let cmds = deliver(&mut r, 1, Msg::RequestVote { term: 4, last_log_index: 9, last_log_term: 4 });
    assert_eq!(sends(&cmds), vec![(1, Msg::RequestVoteReply { term: 5, vote_granted: false })]);
    let cmds = deliver(
        &mut r,
        1,
        Msg::AppendEntries { term: 4, prev_log_index: 0, prev_log_term: 0, entries: vec![].into(), leader_commit: 0 },
    );
    assert_eq!(
        sends(&cmds),
        vec![(1, Msg::AppendEntriesReply { term: 5, success: false, match_index: 0, last_log_index: 0 })]
    );

    let mut leader = elect(3);
    let cmds =
        deliver(&mut leader, 2, Msg::AppendEntriesReply { term: 7, success: false, match_index: 0, last_log_index: 0 });
    assert_eq!(leader.role(), Role::Follower);
    assert_eq!(leader.current_term(), 7);
    assert_eq!(leader.voted_for(), None);
    assert!(matches!(cmds[0], Command::Persist(_)));
    assert!(cmds.contains(&Command::CancelTimer { timer: RaftTimer::Heartbeat }));
    assert!(cmds.contains(&election_timer()));
}

/// §5.2: a candidate wins with votes from a majority, then "sends heartbeat
/// messages to all of the other servers".
#[test]
fn majority_of_votes_makes_a_leader_that_sends_heartbeats() {
    let mut r = node(0, 5);
    step(&mut r, Input::Timer(RaftTimer::Election));
    let cmds = deliver(&mut r, 1, Msg::RequestVoteReply { term: 1, vote_granted: true });
    assert!(cmds.is_empty());
    deliver(&mut r, 2, Msg::RequestVoteReply { term: 1, vote_granted: false });
    assert_eq!(r.role(), Role::Candidate);
    let cmds = deliver(&mut r, 3, Msg::RequestVoteReply { term: 1, vote_granted: true });
    assert_eq!(r.role(), Role::Leader);
    let heartbeat =
        Msg::AppendEntries { term: 1, prev_log_index: 0, prev_log_term: 0, entries: vec![].into(), leader_commit: 0 };
    assert_eq!(sends(&cmds), (1..5).map(|p| (p, heartbeat.clone())).collect::<Vec<_>>());
    assert!(cmds.contains(&Command::CancelTimer { timer: RaftTimer::Election }));
    assert!(cmds.contains(&Command::SetTimer { timer: RaftTimer::Heartbeat, after_min: 50, after_max: 50 }));
}

/// §5.2: "If the leader's term is at least as large as the candidate's
/// current term, then the candidate recognizes the leader as legitimate and
/// returns to follower state."
#[test]
fn a_candidate_yields_to_a_leader_of_its_term() {
    let mut r = node(1, 3);
    step(&mut r, Input::Timer(RaftTimer::Election));
    deliver(
        &mut r,
        2,
        Msg::AppendEntries { term: 1, prev_log_index: 0, prev_log_term: 0, entries: vec![].into(), leader_commit: 0 },
    );
    assert_eq!(r.role(), Role::Follower);
    assert_eq!(r.leader_id(), Some(2));
}

/// §5.3: the consistency check: "If the follower does not find an entry in
/// its log with the same index and term, then it refuses the new entries."
/// On a match it deletes conflicting entries and appends the new ones.
#[test]
fn consistency_check_and_conflict_repair() {
    let mut f = node_with(1, 3, 3, &[1, 1, 2, 2]);
    let ae = |prev_log_index, prev_log_term, entries: Vec<Entry>, leader_commit| Msg::AppendEntries {
        term: 3,
        prev_log_index,
        prev_log_term,
        entries: entries.into(),
        leader_commit,
    };
    let cmds = deliver(&mut f, 0, ae(4, 3, vec![Entry::new(3, "x")], 0));
    assert_eq!(
        sends(&cmds),
        vec![(0, Msg::AppendEntriesReply { term: 3, success: false, match_index: 0, last_log_index: 4 })]
    );
    let cmds = deliver(&mut f, 0, ae(2, 1, vec![Entry::new(3, "x")], 3));
    assert!(cmds.contains(&Command::Persist(())));
    assert_eq!(
        sends(&cmds),
        vec![(0, Msg::AppendEntriesReply { term: 3, success: true, match_index: 3, last_log_index: 3 })]
    );
    assert_eq!(f.log().iter().map(|e| e.term).collect::<Vec<_>>(), vec![1, 1, 3]);
    // "If leaderCommit > commitIndex, set commitIndex = min(leaderCommit, index of last new entry)".
    assert_eq!(f.commit_index(), 3);
    // A stale, reordered AppendEntries neither truncates nor lowers the commit index.
    let cmds = deliver(&mut f, 0, ae(1, 1, vec![Entry::new(1, "c2")], 1));
    assert!(!cmds.contains(&Command::Persist(())));
    assert_eq!(f.log().last_index(), 3);
    assert_eq!(f.commit_index(), 3);
}

/// §5.3 and Figure 2, AppendEntries receiver step 2: "Reply false if log
/// doesn't contain an entry at prevLogIndex whose term matches prevLogTerm".
/// Mutant `skip-consistency-check` appends anyway, and its log then shares
/// (index 4, term 3) with the leader's but not the entry before it: the
/// Log Matching Property is gone.
#[test]
fn skip_consistency_check_breaks_log_matching() {
    // The leader's log is [1, 1, 3, 3]; the follower holds a term-2 entry at index 3.
    let ae = Msg::AppendEntries {
        term: 3,
        prev_log_index: 3,
        prev_log_term: 3,
        entries: vec![Entry::new(3, "x")].into(),
        leader_commit: 0,
    };
    let mut correct = node_with(1, 3, 3, &[1, 1, 2]);
    let cmds = deliver(&mut correct, 0, ae.clone());
    assert!(!cmds.contains(&Command::Persist(())));
    assert_eq!(
        sends(&cmds),
        vec![(0, Msg::AppendEntriesReply { term: 3, success: false, match_index: 0, last_log_index: 3 })]
    );
    assert_eq!(terms(&correct), vec![1, 1, 2]);

    let mut broken = node_with_bug(Some(Bug::SkipConsistencyCheck), 1, 3, 3, &[1, 1, 2]);
    let cmds = deliver(&mut broken, 0, ae);
    assert!(cmds.contains(&Command::Persist(())));
    assert_eq!(
        sends(&cmds),
        vec![(0, Msg::AppendEntriesReply { term: 3, success: true, match_index: 4, last_log_index: 4 })]
    );
    assert_eq!(terms(&broken), vec![1, 1, 2, 3]);

    // A log too short to hold prev_log_index still refuses, bug or not.
    let mut short = node_with_bug(Some(Bug::SkipConsistencyCheck), 1, 3, 3, &[1]);
    let cmds = deliver(
        &mut short,
        0,
        Msg::AppendEntries {
            term: 3,
            prev_log_index: 3,
            prev_log_term: 3,
            entries: vec![Entry::new(3, "x")].into(),
            leader_commit: 0,
        },
    );
    assert_eq!(
        sends(&cmds),
        vec![(0, Msg::AppendEntriesReply { term: 3, success: false, match_index: 0, last_log_index: 1 })]
    );
    assert_eq!(terms(&short), vec![1]);
}

/// Figure 2, AppendEntries receiver step 5: "If leaderCommit > commitIndex,
/// set commitIndex = min(leaderCommit, index of last new entry)". Mutant
/// `commit-past-match` clamps to the log's length instead, and commits a
/// stale tail that the leader's log does not hold.
#[test]
fn commit_past_match_commits_a_stale_tail() {
    // The leader's log is [1, 1, 3, 3], committed through 4; the follower's
    // entries 3 and 4 are of term 2. A heartbeat matches at index 2.
    let heartbeat =
        Msg::AppendEntries { term: 3, prev_log_index: 2, prev_log_term: 1, entries: vec![].into(), leader_commit: 4 };
    let reply = vec![(0, Msg::AppendEntriesReply { term: 3, success: true, match_index: 2, last_log_index: 4 })];

    let mut correct = node_with(1, 3, 3, &[1, 1, 2, 2]);
    assert_eq!(sends(&deliver(&mut correct, 0, heartbeat.clone())), reply);
    assert_eq!(correct.commit_index(), 2);

    let mut broken = node_with_bug(Some(Bug::CommitPastMatch), 1, 3, 3, &[1, 1, 2, 2]);
    assert_eq!(sends(&deliver(&mut broken, 0, heartbeat)), reply);
    assert_eq!(broken.commit_index(), 4);
    assert_eq!(terms(&broken), vec![1, 1, 2, 2]);
}

/// §5.3: "After a rejection, the leader decrements nextIndex and retries";
/// the reply's last index lets it skip to the end of a short follower log.
#[test]
fn leader_backs_up_until_logs_match() {
    let mut leader = elect(3);
    for cmd in ["a", "b", "c"] {
        step(&mut leader, Input::Request { cmd: cmd.into() });
    }
    let cmds =
        deliver(&mut leader, 1, Msg::AppendEntriesReply { term: 1, success: false, match_index: 0, last_log_index: 0 });
    match &sends(&cmds)[..] {
        [(1, Msg::AppendEntries { prev_log_index: 0, entries, .. })] => assert_eq!(entries.len(), 3),
        other => panic!("expected a retry from the start, got {other:?}"),
    }
}

/// §5.3, §5.4.2: the leader commits an entry of its term once a majority
/// stores it, and tells followers through leaderCommit.
#[test]
fn leader_commits_on_a_majority() {
    let mut leader = elect(5);
    step(&mut leader, Input::Request { cmd: "x=1".into() });
    assert_eq!(leader.commit_index(), 0);
    let ok = Msg::AppendEntriesReply { term: 1, success: true, match_index: 1, last_log_index: 1 };
    deliver(&mut leader, 1, ok.clone());
    assert_eq!(leader.commit_index(), 0, "2 of 5 is not a majority");
    deliver(&mut leader, 2, ok);
    assert_eq!(leader.commit_index(), 1);
    let cmds = step(&mut leader, Input::Timer(RaftTimer::Heartbeat));
    assert!(sends(&cmds).iter().all(|(_, m)| matches!(m, Msg::AppendEntries { leader_commit: 1, .. })));
}

/// §5.4.2: "Raft never commits log entries from previous terms by counting
/// replicas." A new leader with an old entry on a majority waits for an
/// entry of its own term.
#[test]
fn no_commit_of_previous_term_entries_by_counting() {
    let mut r = node_with(0, 3, 2, &[1]);
    step(&mut r, Input::Timer(RaftTimer::Election));
    deliver(&mut r, 1, Msg::RequestVoteReply { term: 3, vote_granted: true });
    assert_eq!(r.role(), Role::Leader);
    deliver(&mut r, 1, Msg::AppendEntriesReply { term: 3, success: true, match_index: 1, last_log_index: 1 });
    assert_eq!(r.commit_index(), 0, "index 1 is from term 1: not committed by counting");
    step(&mut r, Input::Request { cmd: "new".into() });
    deliver(&mut r, 1, Msg::AppendEntriesReply { term: 3, success: true, match_index: 2, last_log_index: 2 });
    assert_eq!(r.commit_index(), 2, "committing the term-3 entry commits index 1 with it");
}

/// Clients: a follower answers with the leader it knows (§8), or drops the
/// request with a reason when it knows none.
#[test]
fn followers_redirect_or_drop_client_requests() {
    let mut f = node(1, 3);
    let cmds = step(&mut f, Input::Request { cmd: "x=1".into() });
    assert_eq!(
        cmds,
        vec![Command::Emit(Note {
            level: Level::Warn,
            text: "node 1 drops \"x=1\": no leader known in term 0".into()
        })]
    );
    deliver(
        &mut f,
        2,
        Msg::AppendEntries { term: 1, prev_log_index: 0, prev_log_term: 0, entries: vec![].into(), leader_commit: 0 },
    );
    let cmds = step(&mut f, Input::Request { cmd: "x=1".into() });
    assert_eq!(
        cmds,
        vec![Command::Emit(Note {
            level: Level::Warn,
            text: "node 1 rejects \"x=1\": not the leader; try node 2".into()
        })]
    );
}

/// A cluster of one is its own majority.
#[test]
fn a_single_node_elects_itself_and_commits_alone() {
    let mut r = node(0, 1);
    step(&mut r, Input::Timer(RaftTimer::Election));
    assert_eq!(r.role(), Role::Leader);
    step(&mut r, Input::Request { cmd: "solo".into() });
    assert_eq!(r.commit_index(), 1);
}

/// Figure 2: currentTerm, votedFor and log survive a crash; the rest does not.
#[test]
fn restart_keeps_persistent_state_only() {
    let mut leader = elect(3);
    step(&mut leader, Input::Request { cmd: "x".into() });
    let durable = leader.durable();
    let back = Raft::new(0, &cluster(3), &RaftConfig::default(), Some(&durable));
    assert_eq!((back.current_term(), back.voted_for(), back.log().last_index()), (1, Some(0), 1));
    assert_eq!((back.role(), back.commit_index()), (Role::Follower, 0));
}

/// The trace's node view, field by field in order (a public format).
#[test]
fn view_has_the_documented_shape() {
    let mut leader = elect(3);
    step(&mut leader, Input::Request { cmd: "x=1".into() });
    let json = serde_json::to_string(&leader.view(true)).unwrap();
    assert_eq!(
        json,
        r#"{"id":0,"up":true,"role":"leader","term":1,"voted_for":0,"commit_index":0,"log":[{"term":1,"cmd":"x=1"}]}"#
    );
}
