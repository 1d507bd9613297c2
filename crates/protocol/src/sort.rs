//! Sorting with one copy of the standard sort in the app.
//!
//! `slice::sort_by` is compiled again for every element type and comparator
//! it is called with: in the app's wasm that was 21 copies of the standard
//! library's stable and unstable sorts (about 86 KB of code before
//! wasm-opt) for a few dozen elements at a time. In wasm these functions sort
//! a list of positions with one non-generic call to the standard stable sort
//! and then move the elements into that order by swaps, so each call site
//! adds only its comparator. Natively they are the standard sort itself,
//! which is faster and the binary's size does not matter.
//!
//! Both paths give the same order: a stable sort's result is fixed by the
//! comparator. [`sort`] and [`sort_by_key`] replace `sort_unstable` too,
//! where elements that compare equal are equal (a derived or primitive
//! `Ord`), so stability changes nothing there.

use std::cmp::Ordering;

/// Sort `v` stably by `cmp`, as `v.sort_by(cmp)` does.
#[inline]
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if cfg!(target_arch = "wasm32") {
        by_positions(v, &mut cmp);
    } else {
        v.sort_by(cmp);
    }
}

/// Sort `v` stably by `key`, as `v.sort_by_key(key)` does.
#[inline]
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)))
}

/// Sort `v` in ascending order, as `v.sort()` does.
#[inline]
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp)
}

/// The wasm path of [`sort_by`], public so native tests can run it: the
/// only code it compiles per element type is the comparator's closure and
/// the swap.
pub fn by_positions<T>(v: &mut [T], cmp: &mut dyn FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..v.len()).collect();
    sort_positions(&mut order, &mut |a, b| cmp(&v[a], &v[b]));
    apply(&mut order, &mut |i, j| v.swap(i, j));
}

/// Sort positions by what `cmp` says of the elements at them: the one
/// instance of the standard sort behind every [`by_positions`].
#[inline(never)]
fn sort_positions(order: &mut [usize], cmp: &mut dyn FnMut(usize, usize) -> Ordering) {
    order.sort_by(|&a, &b| cmp(a, b));
}

/// Put the element at position `order[k]` at position `k` for every `k`,
/// one cycle of the permutation at a time: each swap puts its wanted element
/// at one position and carries the cycle's first element on, to the last
/// position, which wants it. A position done is marked in `order`.
#[inline(never)]
fn apply(order: &mut [usize], swap: &mut dyn FnMut(usize, usize)) {
    const DONE: usize = usize::MAX;
    for start in 0..order.len() {
        let mut at = start;
        while order[at] != DONE {
            let from = std::mem::replace(&mut order[at], DONE);
            if from == start {
                break;
            }
            swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The positions path sorts as the standard stable sort does, ties
        /// kept in their order (the second field tells them apart).
        #[test]
        fn by_positions_is_the_standard_stable_sort(v in prop::collection::vec((0u8..6, any::<u32>()), 0..60)) {
            let mut expected = v.clone();
            expected.sort_by_key(|e| e.0);
            let mut got = v.clone();
            by_positions(&mut got, &mut |a, b| a.0.cmp(&b.0));
            prop_assert_eq!(got, expected);
        }

        #[test]
        fn the_helpers_sort_as_the_standard_ones(v in prop::collection::vec(any::<(u8, i16)>(), 0..40)) {
            let mut expected = v.clone();
            expected.sort_unstable();
            let mut got = v.clone();
            sort(&mut got);
            prop_assert_eq!(&got, &expected);
            let mut got = v.clone();
            sort_by_key(&mut got, |e| std::cmp::Reverse(e.1));
            let mut expected = v.clone();
            expected.sort_by_key(|e| std::cmp::Reverse(e.1));
            prop_assert_eq!(got, expected);
        }
    }

    #[test]
    fn elements_that_cannot_be_copied_are_moved_by_swaps() {
        let mut v: Vec<String> = ["d", "b", "e", "a", "c"].iter().map(|s| s.to_string()).collect();
        by_positions(&mut v, &mut |a, b| a.cmp(b));
        assert_eq!(v, ["a", "b", "c", "d", "e"]);
    }
}
