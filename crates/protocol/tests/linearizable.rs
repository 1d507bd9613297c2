//! The register linearizability checker on textbook histories (Herlihy &
//! Wing 1990, figure 1 style), on unknown outcomes, and on histories cut
//! from sequential executions (always linearizable).

use proptest::prelude::*;
use protocol::linearizable::{check, Entry, KeyWindow, RegOp, Value, Verdict, MAX_WINDOW};

fn w(process: u32, v: u64, invoke: u64, complete: u64) -> Entry {
    Entry { process, op: RegOp::Write(v), invoke, complete: Some(complete) }
}
fn r(process: u32, v: Value, invoke: u64, complete: u64) -> Entry {
    Entry { process, op: RegOp::Read(v), invoke, complete: Some(complete) }
}

fn ok(v: &Verdict) -> bool {
    matches!(v, Verdict::Linearizable { .. })
}

#[test]
fn a_sequential_history_is_linearizable_and_ends_with_its_last_write() {
    let h = [w(0, 1, 0, 1), r(1, Some(1), 2, 3), w(1, 2, 4, 5), r(0, Some(2), 6, 7)];
    assert_eq!(check(&[None], &h), Verdict::Linearizable { finals: vec![Some(2)] });
}

#[test]
fn a_stale_read_after_a_completed_write_is_caught() {
    // The write of 1 completed before the read began, yet it reads nil.
    let h = [w(0, 1, 0, 1), r(1, None, 2, 3)];
    let Verdict::Violated { witness } = check(&[None], &h) else { panic!("stale read passed") };
    assert_eq!(witness, h.to_vec());
}

#[test]
fn new_old_inversion_is_caught_with_the_three_operations_involved() {
    // ABD without write-back: the write of 1 is still in progress; one read
    // sees it, a later read (invoked after the first returned) sees nil.
    let h = [w(0, 1, 0, 10), r(1, Some(1), 1, 3), r(2, None, 4, 6), w(3, 7, 20, 21)];
    let Verdict::Violated { witness } = check(&[None], &h) else { panic!("inversion passed") };
    assert_eq!(witness, vec![w(0, 1, 0, 10), r(1, Some(1), 1, 3), r(2, None, 4, 6)]);
    // Either read alone is fine: the write is concurrent with both.
    assert!(ok(&check(&[None], &[h[0].clone(), h[1].clone()])));
    assert!(ok(&check(&[None], &[h[0].clone(), h[2].clone()])));
}

#[test]
fn concurrent_writes_may_take_effect_in_either_order() {
    let both = [w(0, 1, 0, 5), w(1, 2, 1, 6)];
    assert_eq!(check(&[None], &both), Verdict::Linearizable { finals: vec![Some(1), Some(2)] });
    for (first, then) in [(1, 2), (2, 1)] {
        let h = [w(0, 1, 0, 5), w(1, 2, 1, 6), r(2, Some(first), 7, 8), r(2, Some(first), 9, 10)];
        assert!(ok(&check(&[None], &h)), "reading {first}");
        // But once a read saw one order, a later read cannot see the other.
        let h = [w(0, 1, 0, 5), w(1, 2, 1, 6), r(2, Some(first), 7, 8), r(3, Some(then), 9, 10)];
        assert!(!ok(&check(&[None], &h)), "reading {first} then {then}");
    }
}

#[test]
fn an_unknown_write_may_or_may_not_have_taken_effect() {
    let lost = Entry { process: 0, op: RegOp::Write(5), invoke: 0, complete: None };
    assert!(ok(&check(&[None], &[lost.clone(), r(1, None, 1, 2)])));
    assert!(ok(&check(&[None], &[lost.clone(), r(1, Some(5), 1, 2)])));
    // Even long after; but not before it was invoked.
    assert!(ok(&check(&[None], &[lost.clone(), r(1, None, 1, 2), r(1, Some(5), 90, 91)])));
    let early = Entry { invoke: 10, ..lost };
    assert!(!ok(&check(&[None], &[early, r(1, Some(5), 1, 2)])));
    // A read of unknown outcome constrains nothing.
    let read = Entry { process: 2, op: RegOp::Read(Some(9)), invoke: 0, complete: None };
    assert!(ok(&check(&[None], &[read])));
}

#[test]
fn too_many_operations_are_undecided_not_passed() {
    let h: Vec<Entry> = (0..=MAX_WINDOW as u64).map(|i| w(0, i, 2 * i, 2 * i + 1)).collect();
    assert!(matches!(check(&[None], &h), Verdict::Undecided { .. }));
}

#[test]
fn a_live_window_forgets_completed_operations_and_still_catches_inversions() {
    let mut key = KeyWindow::default();
    let a = key.invoke(0, RegOp::Write(1), 0);
    assert!(ok(&key.complete(a, RegOp::Write(1), 1)));
    assert!(key.is_empty(), "a completed operation is forgotten");
    assert_eq!(key.values(), vec![Some(1)]);
    let write = key.invoke(0, RegOp::Write(2), 2);
    let first = key.invoke(1, RegOp::Read(None), 3);
    assert!(ok(&key.complete(first, RegOp::Read(Some(2)), 4)));
    let second = key.invoke(2, RegOp::Read(None), 5);
    let Verdict::Violated { witness } = key.complete(second, RegOp::Read(Some(1)), 6) else { panic!() };
    // The write of 2 in progress and the two reads: from any starting
    // value, a read of 2 and a later read of 1 cannot both be explained.
    assert_eq!(witness.len(), 3, "{witness:?}");
    assert_eq!(witness[1].op, RegOp::Read(Some(2)));
    assert_eq!(witness[2].op, RegOp::Read(Some(1)));
    assert_eq!(key.len(), 2, "the write and the failing read are open");
    let _ = write;
}

#[test]
fn a_lost_write_stays_in_the_window() {
    let mut key = KeyWindow::default();
    let a = key.invoke(0, RegOp::Write(4), 0);
    assert!(ok(&key.lose(a)));
    assert_eq!(key.len(), 1);
    let b = key.invoke(1, RegOp::Read(None), 5);
    assert!(ok(&key.complete(b, RegOp::Read(None), 6)));
    let c = key.invoke(1, RegOp::Read(None), 7);
    assert!(ok(&key.complete(c, RegOp::Read(Some(4)), 8)), "it may take effect late");
}

proptest! {
    /// Run random operations on a sequential register, each taking effect
    /// at one instant inside a random interval: the history is always
    /// linearizable, and the true final value is among the finals.
    #[test]
    fn histories_of_sequential_executions_are_linearizable(
        ops in prop::collection::vec((0u32..4, any::<bool>(), 0u64..5, 0u64..20, 0u64..20), 1..14)
    ) {
        let mut value: Value = None;
        let mut history = Vec::new();
        for (i, (process, write, v, before, after)) in ops.into_iter().enumerate() {
            // The operation takes effect at instant 100 * (i + 1).
            let at = 100 * (i as u64 + 1);
            let op = if write { value = Some(v); RegOp::Write(v) } else { RegOp::Read(value) };
            history.push(Entry { process, op, invoke: at - 1 - before * 4, complete: Some(at + 1 + after * 4) });
        }
        match check(&[None], &history) {
            Verdict::Linearizable { finals } => prop_assert!(finals.contains(&value)),
            other => prop_assert!(false, "{other:?}"),
        }
    }
}

#[test]
fn a_live_window_stays_small_while_clients_never_pause() {
    // Three clients whose operations always overlap: no quiescent point,
    // yet the window holds only the open operations.
    let mut key = KeyWindow::default();
    let mut t = 0;
    let mut open: Vec<(u32, usize, RegOp)> = Vec::new();
    for round in 0..500u64 {
        for p in 0..3u32 {
            t += 1;
            let op = if p == 0 { RegOp::Write(round) } else { RegOp::Read(None) };
            open.push((p, key.invoke(p, op, t), op));
        }
        let (p, slot, op) = open.remove(0);
        t += 1;
        // A read returns the last value any completed write wrote, or the
        // write in progress: both are linearizable.
        let done = match op {
            RegOp::Read(_) => RegOp::Read(if round == 0 { None } else { Some(round - 1) }),
            w => w,
        };
        let v = key.complete(slot, done, t);
        assert!(matches!(v, Verdict::Linearizable { .. }) || p != 0, "{v:?}");
        assert!(key.len() <= 2 * 3 + 1);
        while open.len() > 3 {
            let (_, slot, op) = open.remove(0);
            t += 1;
            let done = match op {
                RegOp::Read(_) => RegOp::Read(Some(round)),
                w => w,
            };
            let _ = key.complete(slot, done, t);
        }
    }
}

#[test]
fn more_open_operations_than_the_window_are_undecided() {
    let mut key = KeyWindow::default();
    let slots: Vec<usize> = (0..=MAX_WINDOW as u64).map(|i| key.invoke(0, RegOp::Write(i), i)).collect();
    assert!(matches!(key.complete(slots[0], RegOp::Write(0), 1000), Verdict::Undecided { .. }));
}

/// Feed `history` to a live window in time order; `true` if it stayed
/// linearizable throughout.
fn live(history: &[Entry]) -> bool {
    let mut events: Vec<(u64, bool, usize)> = Vec::new();
    for (i, e) in history.iter().enumerate() {
        events.push((e.invoke, false, i));
        if let Some(c) = e.complete {
            events.push((c, true, i));
        }
    }
    events.sort();
    let mut key = KeyWindow::default();
    let mut slots = vec![usize::MAX; history.len()];
    for (time, done, i) in events {
        let e = &history[i];
        if done {
            if !matches!(key.complete(slots[i], e.op, time), Verdict::Linearizable { .. }) {
                return false;
            }
        } else {
            let op = match e.op {
                RegOp::Read(_) => RegOp::Read(None),
                w => w,
            };
            slots[i] = key.invoke(e.process, op, time);
        }
    }
    true
}

proptest! {
    /// The live window and the whole-history search agree on random
    /// histories of a few overlapping operations (linearizable or not).
    #[test]
    fn the_live_window_agrees_with_the_whole_history_search(
        ops in prop::collection::vec((0u32..3, any::<bool>(), 0u64..3, 0u64..30, 1u64..15), 1..9)
    ) {
        let history: Vec<Entry> = ops
            .into_iter()
            .enumerate()
            .map(|(i, (process, write, v, start, len))| {
                // Distinct instants: invocations even, completions odd.
                let invoke = start * 20 + i as u64 * 2;
                let complete = invoke + len * 20 + 1;
                let op = if write { RegOp::Write(v) } else { RegOp::Read(if v == 0 { None } else { Some(v) }) };
                Entry { process, op, invoke, complete: Some(complete) }
            })
            .collect();
        let whole = matches!(check(&[None], &history), Verdict::Linearizable { .. });
        prop_assert_eq!(live(&history), whole, "{:?}", history);
    }

    /// Every history of a sequential execution passes the live window too.
    #[test]
    fn the_live_window_passes_sequential_executions(
        ops in prop::collection::vec((0u32..4, any::<bool>(), 0u64..5, 0u64..20, 0u64..20), 1..14)
    ) {
        let mut value: Value = None;
        let mut history = Vec::new();
        for (i, (process, write, v, before, after)) in ops.into_iter().enumerate() {
            let at = 100 * (i as u64 + 1);
            let op = if write { value = Some(v); RegOp::Write(v) } else { RegOp::Read(value) };
            history.push(Entry { process, op, invoke: at - 1 - before * 4, complete: Some(at + 1 + after * 4) });
        }
        prop_assert!(live(&history), "{:?}", history);
    }
}

/// A write that failed (`:fail`: it certainly never took effect) leaves no
/// trace: a later read of its value is not explained by it, and it does not
/// stay open the way a write of unknown outcome does.
#[test]
fn a_failed_write_is_forgotten_and_cannot_explain_a_read() {
    let mut k = KeyWindow::default();
    let a = k.invoke(0, RegOp::Write(1), 1);
    assert!(ok(&k.fail(a)));
    assert!(k.is_empty(), "a failed write does not stay open");
    let r = k.invoke(1, RegOp::Read(None), 2);
    assert!(matches!(k.complete(r, RegOp::Read(Some(1)), 3), Verdict::Violated { .. }));

    // A write of unknown outcome would have explained it.
    let mut k = KeyWindow::default();
    let a = k.invoke(0, RegOp::Write(1), 1);
    assert!(ok(&k.lose(a)));
    let r = k.invoke(1, RegOp::Read(None), 2);
    assert!(ok(&k.complete(r, RegOp::Read(Some(1)), 3)));
}

/// A read that saw a write still open, which then fails, is a violation.
#[test]
fn a_read_that_saw_a_write_which_then_failed_is_caught() {
    let mut k = KeyWindow::default();
    let a = k.invoke(0, RegOp::Write(1), 1);
    let r = k.invoke(1, RegOp::Read(None), 2);
    assert!(ok(&k.complete(r, RegOp::Read(Some(1)), 3)));
    assert!(matches!(k.fail(a), Verdict::Violated { .. }));
}

/// A write of unknown outcome that can no longer take effect is forgotten:
/// a later read may not see it appear, but an earlier effect stands.
#[test]
fn a_retired_write_can_have_happened_but_cannot_happen_later() {
    let mut k = KeyWindow::default();
    let a = k.invoke(0, RegOp::Write(1), 1);
    assert!(ok(&k.lose(a)));
    let r = k.invoke(1, RegOp::Read(None), 2);
    assert!(ok(&k.complete(r, RegOp::Read(None), 3)));
    assert!(ok(&k.retire(a)));
    assert!(k.is_empty());
    assert_eq!(k.values(), vec![None, Some(1)], "it may have happened before the retirement");
    let w = k.invoke(2, RegOp::Write(2), 4);
    assert!(ok(&k.complete(w, RegOp::Write(2), 5)));
    let r = k.invoke(1, RegOp::Read(None), 6);
    assert!(matches!(k.complete(r, RegOp::Read(Some(1)), 7), Verdict::Violated { .. }), "but not after it");
}

/// Retiring a write invoked after the last completion keeps the
/// configurations in which it took effect (they were not built yet).
#[test]
fn a_retired_write_invoked_after_the_last_completion_may_have_happened() {
    let mut k = KeyWindow::default();
    let w = k.invoke(0, RegOp::Write(1), 1);
    assert!(ok(&k.complete(w, RegOp::Write(1), 2)));
    let a = k.invoke(1, RegOp::Write(2), 3);
    assert!(ok(&k.lose(a)));
    assert!(ok(&k.retire(a)));
    let r = k.invoke(0, RegOp::Read(None), 4);
    assert!(ok(&k.complete(r, RegOp::Read(Some(2)), 5)), "it may have taken effect before it was retired");
}
