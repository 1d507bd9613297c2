//! Running jobs on threads natively, one after another in wasm (where the
//! lead runs the checker in a Web Worker of its own).

/// Run every job and return their results in order.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn all<T: Send, F: FnOnce() -> T + Send>(jobs: Vec<F>) -> Vec<T> {
    if jobs.len() <= 1 {
        return jobs.into_iter().map(|job| job()).collect();
    }
    std::thread::scope(|scope| {
        let mut jobs = jobs.into_iter();
        let first = jobs.next().expect("at least two jobs");
        let handles: Vec<_> = jobs.map(|job| scope.spawn(job)).collect();
        let mut results = vec![first()];
        results.extend(handles.into_iter().map(|h| h.join().expect("a checker thread panicked")));
        results
    })
}

#[cfg(target_arch = "wasm32")]
pub(crate) fn all<T: Send, F: FnOnce() -> T + Send>(jobs: Vec<F>) -> Vec<T> {
    jobs.into_iter().map(|job| job()).collect()
}
