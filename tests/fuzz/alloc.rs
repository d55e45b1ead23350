//! A counting global allocator: the bytes each thread holds, and the most it held since the
//! last [`start_case`], so a case's peak memory is measured on the thread that ran it.
//!
//! Counting per thread (not per process) lets two workers fuzz at once and still charge each
//! case only what it allocated: every worker runs its cases inside its own one-thread rayon
//! pool, so the library's `rayon::join` and `par_iter` stay on the worker's thread. A block
//! freed by another thread than the one that allocated it would skew both counts; nothing the
//! fuzzed code does hands blocks across threads while a case runs.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// More than this held by one thread is refused (the allocation fails and the process
/// aborts, which the supervisor records as a crash) rather than let one case take the
/// memory of a machine shared with others.
pub const THREAD_LIMIT: usize = 3 << 30;

thread_local! {
    static LIVE: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
}

/// [`System`] with per-thread counts.
pub struct Counting;

fn grew(by: usize) -> bool {
    LIVE.try_with(|live| {
        let now = live.get().saturating_add(by);
        if now > THREAD_LIMIT {
            return false;
        }
        live.set(now);
        PEAK.with(|peak| peak.set(peak.get().max(now)));
        true
    })
    .unwrap_or(true)
}

fn shrank(by: usize) {
    let _ = LIVE.try_with(|live| live.set(live.get().saturating_sub(by)));
}

// SAFETY: every call is passed to `System` unchanged; the counts are thread-local cells
// initialised without allocating.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if !grew(layout.size()) {
            return std::ptr::null_mut();
        }
        let ptr = unsafe { System.alloc(layout) };
        if ptr.is_null() {
            shrank(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if !grew(layout.size()) {
            return std::ptr::null_mut();
        }
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if ptr.is_null() {
            shrank(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() && !grew(new_size - layout.size()) {
            return std::ptr::null_mut();
        }
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if new.is_null() {
            if new_size > layout.size() {
                shrank(new_size - layout.size());
            }
        } else if new_size < layout.size() {
            shrank(layout.size() - new_size);
        }
        new
    }
}

/// Starts measuring a case on this thread: its peak counts from what the thread holds now.
pub fn start_case() -> usize {
    let live = LIVE.with(Cell::get);
    PEAK.with(|peak| peak.set(live));
    live
}

/// The most this thread held above `start` since [`start_case`] returned it.
pub fn case_peak(start: usize) -> usize {
    PEAK.with(Cell::get).saturating_sub(start)
}

/// The process's peak resident memory in bytes (`VmHWM`), where Linux reports it.
pub fn process_peak() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
