//! Measuring helpers shared by the bench binaries: an allocation-counting global allocator and
//! same-run interleaved ratios (robust on a loaded machine, where criterion's one-group-at-a-time
//! figures drift between groups).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Counts every allocation (and reallocation) made by the process.
pub struct Counting;

static ALLOCS: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// One benchmarked call.
pub type Call<'a> = &'a dyn Fn();

/// A variant's result: median ratio to the first variant in the same round, median µs per call.
#[derive(Clone, Copy, Debug)]
pub struct Ratio {
    pub ratio: f64,
    pub micros: f64,
}

/// Every round times `calls` calls of each variant, rotating which goes first; a variant's
/// result is the median over `rounds` of its time divided by the first variant's time in the
/// same round.
pub fn interleaved(variants: &[(&str, Call)], calls: u64, rounds: usize) -> Vec<Ratio> {
    let mut ratios = vec![Vec::new(); variants.len()];
    let mut per_call = vec![Vec::new(); variants.len()];
    for round in 0..rounds {
        let mut secs = vec![0.0; variants.len()];
        for k in 0..variants.len() {
            let i = (round + k) % variants.len();
            let start = Instant::now();
            for _ in 0..calls {
                (variants[i].1)();
            }
            secs[i] = start.elapsed().as_secs_f64();
            per_call[i].push(secs[i] * 1e6 / calls as f64);
        }
        for (i, r) in ratios.iter_mut().enumerate() {
            r.push(secs[i] / secs[0]);
        }
    }
    ratios
        .into_iter()
        .zip(per_call)
        .map(|(r, us)| Ratio {
            ratio: median(r),
            micros: median(us),
        })
        .collect()
}

/// The median (upper median for an even count); `NaN` for an empty list.
pub fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Allocations per call, averaged over `n` calls after one warm-up call.
pub fn allocs_per_call(n: u64, call: Call) -> f64 {
    call();
    let before = ALLOCS.load(Ordering::Relaxed);
    for _ in 0..n {
        call();
    }
    (ALLOCS.load(Ordering::Relaxed) - before) as f64 / n as f64
}
