//! The machine's floor for Ward's merge loop: what one merge's arithmetic
//! costs when nothing else is done, in scikit-learn's order of operations.
//!
//! ```sh
//! cargo bench -p agglo --bench merge_floor
//! ```
//!
//! A "merge" here is the part of a Ward merge that no exact implementation
//! can skip: the new node's sum (`d` additions) and centroid (`d`
//! divisions) from its two children's rows, and its squared distance to
//! each of its `neighbours` rows, each a sequential sum over the `d`
//! coordinates (eight neighbours interleaved so that the sums overlap
//! without changing their order). Rows are `d` float64s picked at random
//! (a fixed sequence) among `rows` rows: when the rows fit in the caches
//! the time is the exact-order compute floor; when they are the size of a
//! real problem's points the time is bound by memory. No queue, no graph,
//! no union-find: agglo's merge loop does all of this and more, so its time
//! per merge can only be above these.
//!
//! The sizes are those of `bench/compare.py`'s scenarios (100 samples):
//! 65,536 rows (the 256×256 grid, 52 MB), 235,375 rows (the MNI152 2 mm
//! mask, 188 MB) and 1,882,989 rows (the 1 mm mask, 1.5 GB), with the mean number of neighbours of a new node measured
//! on the first two (5.8 and 10.7: with the 2 children, about 8 and 13
//! rows a merge; the 1 mm mask takes the 2 mm figure), and 1,024 rows (800 KB, in the level-2 cache). With two
//! threads, each does half of the merges on its own rows: the most two
//! cores could give.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

const DIM: usize = 100;
const MERGES: usize = 20_000;

/// The rows, and the random rows each merge reads.
struct Problem {
    rows: Vec<f64>,
    picks: Vec<u32>,
    /// Where each merge's rows start in `picks` (its two children first).
    starts: Vec<usize>,
}

impl Problem {
    fn new(n_rows: usize, neighbours: f64) -> Self {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            state.wrapping_mul(0x2545_F491_4F6C_DD1D)
        };
        let rows = (0..n_rows * DIM)
            .map(|_| (next() >> 11) as f64 / (1u64 << 53) as f64)
            .collect();
        // A whole number of neighbours per merge, `neighbours` on average.
        let starts: Vec<usize> = (0..=MERGES)
            .map(|m| 2 * m + (m as f64 * neighbours).floor() as usize)
            .collect();
        let picks = (0..starts[MERGES])
            .map(|_| (next() % n_rows as u64) as u32)
            .collect();
        Problem {
            rows,
            picks,
            starts,
        }
    }

    fn row(&self, r: u32) -> &[f64] {
        let r = r as usize;
        &self.rows[r * DIM..(r + 1) * DIM]
    }

    /// The merges `first..last`; returns a checksum.
    fn merges(&self, first: usize, last: usize) -> f64 {
        let mut sum = [0.0; DIM];
        let mut centroid = [0.0; DIM];
        let mut total = 0.0;
        for m in first..last {
            let picks = &self.picks[self.starts[m]..self.starts[m + 1]];
            let (a, b) = (self.row(picks[0]), self.row(picks[1]));
            for ((s, &x), &y) in sum.iter_mut().zip(a).zip(b) {
                *s = x + y;
            }
            let size = 2.0 + (m % 7) as f64;
            for (c, &s) in centroid.iter_mut().zip(&sum) {
                *c = s / size;
            }
            for group in picks[2..].chunks(8) {
                let lanes: [&[f64]; 8] =
                    std::array::from_fn(|l| self.row(group[l.min(group.len() - 1)]));
                let mut s = [0.0; 8];
                for t in 0..DIM {
                    let x = centroid[t];
                    for l in 0..8 {
                        let d = x - lanes[l][t];
                        s[l] += d * d;
                    }
                }
                total += s[..group.len()].iter().sum::<f64>();
            }
        }
        total
    }
}

fn floor(c: &mut Criterion) {
    let mut group = c.benchmark_group("merge_floor");
    group.sample_size(10);
    group.throughput(Throughput::Elements(MERGES as u64));
    for (name, rows, neighbours) in [
        ("cached_1024_rows", 1024, 10.7),
        ("grid256_65536_rows", 65_536, 5.8),
        ("brain2_235375_rows", 235_375, 10.7),
        ("brain1_1882989_rows", 1_882_989, 10.7),
    ] {
        let problem = Problem::new(rows, neighbours);
        group.bench_with_input(BenchmarkId::new("one_thread", name), &problem, |b, p| {
            b.iter(|| black_box(p.merges(0, MERGES)));
        });
        group.bench_with_input(BenchmarkId::new("two_threads", name), &problem, |b, p| {
            b.iter(|| {
                let (x, y) =
                    rayon::join(|| p.merges(0, MERGES / 2), || p.merges(MERGES / 2, MERGES));
                black_box(x + y)
            });
        });
    }
    group.finish();
}

criterion_group!(benches, floor);
criterion_main!(benches);
