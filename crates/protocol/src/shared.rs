//! Copies that share: a model checker copies a world for every successor
//! (`clone_from` into a world it dropped), and most of what a copy holds
//! behind an `Arc` (nodes, roles, journals, slot chunks, messages) is
//! already the source's.

use std::sync::Arc;

/// Make `into` share `from`'s value: nothing to do, and no count to
/// change, when it already does.
pub fn share<T: ?Sized>(into: &mut Arc<T>, from: &Arc<T>) {
    if !Arc::ptr_eq(into, from) {
        *into = Arc::clone(from);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_the_source_and_counts_only_a_change() {
        let a = Arc::new(1);
        let mut b = Arc::clone(&a);
        share(&mut b, &a);
        assert_eq!(Arc::strong_count(&a), 2, "already shared: unchanged");
        let mut c = Arc::new(2);
        share(&mut c, &a);
        assert!(Arc::ptr_eq(&c, &a));
        assert_eq!(Arc::strong_count(&a), 3);
    }
}
