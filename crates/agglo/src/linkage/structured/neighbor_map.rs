//! The per-cluster neighbour maps of complete and average linkage, and how
//! two of them combine when their clusters merge (scikit-learn's
//! `IntFloatDict`, `max_merge` and `average_merge`).
//!
//! Every map is a run of one shared arena ([`NeighborMaps`]) with room to
//! grow: a merge appends the new cluster's map at the end, a neighbour's
//! map takes the new cluster in its spare room (or moves to the end with
//! twice the room), and when the arena is full the live maps are moved
//! down over the runs of merged clusters, in place (fresh memory costs a
//! page fault per 4 KiB), the arena growing only when the live maps
//! themselves fill it. The merge loop thus makes no allocation of its own
//! per merge, and the arena holds at most about twice the live maps.

use std::cmp::Ordering;

use super::paired::WeightedAdjacency;

/// One neighbour of a cluster and the linkage distance to it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Entry {
    /// The neighbour's node id.
    pub(crate) key: u32,
    /// The linkage distance.
    pub(crate) value: f64,
}

/// How the distance to a neighbour shared by both merging clusters is
/// combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MergeRule {
    /// `fmax(a, b)` (complete linkage, `max_merge`).
    Max,
    /// `(n_a·a + n_b·b) / (n_a + n_b)` (average linkage, `average_merge`).
    Average,
}

/// The size-weighted mean, in `average_merge`'s order of operations:
/// `(n_a·a + n_b·b) / (n_a + n_b)`, sizes converted to `f64` exactly.
#[inline]
fn average_rule(a: f64, b: f64, n_a: usize, n_b: usize) -> f64 {
    (n_a as f64 * a + n_b as f64 * b) / (n_a + n_b) as f64
}

/// Writes into `out` the neighbour map of the union of clusters `a` (size
/// `n_a`) and `b` (size `n_b`), both sorted by key: every key for which
/// `alive` holds, from either map; a neighbour of only one keeps its
/// distance, a neighbour of both gets `rule` applied to (distance from
/// `a`, distance from `b`). Returns the number of entries written, sorted
/// by key (the iteration order of the C++ `std::map` inside scikit-learn's
/// `IntFloatDict`). `out` must hold `a.len() + b.len()` entries.
/// Cost: `O(len(a) + len(b))` (a merge of two sorted lists).
pub(crate) fn merge_into(
    a: &[Entry],
    b: &[Entry],
    alive: impl Fn(u32) -> bool,
    rule: MergeRule,
    [n_a, n_b]: [usize; 2],
    out: &mut [Entry],
) -> usize {
    let mut written = 0;
    let mut emit = |entry: Entry| {
        if alive(entry.key) {
            out[written] = entry;
            written += 1;
        }
    };
    let (mut x, mut y) = (0, 0);
    while x < a.len() && y < b.len() {
        let (ea, eb) = (a[x], b[y]);
        match ea.key.cmp(&eb.key) {
            Ordering::Less => {
                emit(ea);
                x += 1;
            }
            Ordering::Greater => {
                emit(eb);
                y += 1;
            }
            Ordering::Equal => {
                // Both distances are combined only for a live key, as
                // scikit-learn skips dead keys before combining.
                let value = match rule {
                    MergeRule::Max => ea.value.max(eb.value),
                    MergeRule::Average => average_rule(ea.value, eb.value, n_a, n_b),
                };
                emit(Entry { key: ea.key, value });
                x += 1;
                y += 1;
            }
        }
    }
    a[x..].iter().chain(&b[y..]).for_each(|&e| emit(e));
    written
}

/// Where one cluster's map lies in the arena.
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    start: usize,
    len: u32,
    cap: u32,
}

/// Spare room a leaf's map starts with, for the clusters its neighbours
/// will become.
const LEAF_ROOM: usize = 4;

/// Entries an arena grows by at least.
const SPARE: usize = 1 << 16;

/// The neighbour maps of every node, live or merged, in one arena.
#[derive(Debug)]
pub(crate) struct NeighborMaps {
    entries: Vec<Entry>,
    slots: Vec<Slot>,
    /// Every run handed out since the last compaction (the live ones
    /// before it), in arena order: where it starts and whose it was.
    runs: Vec<(usize, u32)>,
    /// The room held by live maps (the arena holds this plus garbage).
    held: usize,
    /// [`SPARE`] but in tests.
    spare: usize,
}

const EMPTY: Entry = Entry { key: 0, value: 0.0 };

impl NeighborMaps {
    /// The maps of the graph's nodes, room made for `n_merges` merged
    /// clusters.
    pub(crate) fn new(adjacency: &WeightedAdjacency, n_merges: usize) -> Self {
        Self::with_spare(adjacency, n_merges, SPARE)
    }

    /// [`NeighborMaps::new`], growing by at least `spare` entries.
    fn with_spare(adjacency: &WeightedAdjacency, n_merges: usize, spare: usize) -> Self {
        let n = adjacency.n_nodes();
        let held = adjacency.n_entries() + LEAF_ROOM * n;
        let mut entries = Vec::with_capacity(held + held / 2 + spare);
        let mut slots = Vec::with_capacity(n + n_merges);
        let mut runs = Vec::with_capacity(2 * n);
        for node in 0..n {
            let (cols, weights) = adjacency.row(node);
            let start = entries.len();
            runs.push((start, node as u32));
            entries.extend(cols.iter().zip(weights).map(|(&col, &value)| Entry {
                key: col as u32,
                value,
            }));
            let cap = cols.len() + LEAF_ROOM;
            entries.resize(start + cap, EMPTY);
            slots.push(Slot {
                start,
                len: cols.len() as u32,
                cap: cap as u32,
            });
        }
        slots.resize(n + n_merges, Slot::default());
        NeighborMaps {
            entries,
            slots,
            runs,
            held,
            spare,
        }
    }

    /// The map of `node`, sorted by key.
    pub(crate) fn get(&self, node: usize) -> &[Entry] {
        let Slot { start, len, .. } = self.slots[node];
        &self.entries[start..start + len as usize]
    }

    /// Makes the map of the new cluster `k` from those of `i` (size
    /// `n_i`) and `j` (size `n_j`) by [`merge_into`], and frees theirs.
    pub(crate) fn merge(
        &mut self,
        [i, j, k]: [usize; 3],
        alive: impl Fn(u32) -> bool,
        rule: MergeRule,
        sizes: [usize; 2],
    ) {
        let bound = (self.slots[i].len + self.slots[j].len) as usize;
        // Room for the neighbours' next merges too.
        let cap = bound + LEAF_ROOM;
        self.reserve(cap);
        let (si, sj) = (self.slots[i], self.slots[j]);
        let start = self.entries.len();
        self.runs.push((start, k as u32));
        self.entries.resize(start + cap, EMPTY);
        let (old, out) = self.entries.split_at_mut(start);
        let a = &old[si.start..si.start + si.len as usize];
        let b = &old[sj.start..sj.start + sj.len as usize];
        let len = merge_into(a, b, alive, rule, sizes, out);
        self.held = self.held + cap - (si.cap + sj.cap) as usize;
        self.slots[k] = Slot {
            start,
            len: len as u32,
            cap: cap as u32,
        };
        self.slots[i] = Slot::default();
        self.slots[j] = Slot::default();
    }

    /// Starts loading what merging `a` and `b` will read first (their slots
    /// and the first entries of their maps), so that those misses overlap
    /// with the merge in progress. Plain loads whose values are thrown
    /// away: nothing changes.
    #[inline]
    pub(crate) fn touch_merge(&self, [a, b]: [usize; 2]) {
        let mut touched = 0;
        for node in [a, b] {
            if let Some(slot) = self.slots.get(node) {
                touched ^= self.entries.get(slot.start).map_or(0, |e| e.key);
            }
        }
        std::hint::black_box(touched);
    }

    /// Starts loading, for every neighbour in the map of `k`, its slot and
    /// the entry [`NeighborMaps::push`] will write next, so that those
    /// misses overlap instead of stalling one push after another. Plain
    /// loads whose values are thrown away: nothing changes.
    #[inline]
    pub(crate) fn touch_appends(&self, k: usize) {
        let mut touched = 0;
        for entry in self.get(k) {
            let slot = self.slots[entry.key as usize];
            let at = slot.start + slot.len as usize;
            touched ^= self.entries.get(at).map_or(0, |e| e.key);
        }
        std::hint::black_box(touched);
    }

    /// Appends `entry` to the map of `node` (whose keys are all smaller).
    pub(crate) fn push(&mut self, node: usize, entry: Entry) {
        let slot = self.slots[node];
        if slot.len == slot.cap {
            self.grow(node);
        }
        let slot = &mut self.slots[node];
        self.entries[slot.start + slot.len as usize] = entry;
        slot.len += 1;
    }

    /// Moves the full map of `node` to the end of the arena, with twice the
    /// room.
    #[cold]
    fn grow(&mut self, node: usize) {
        let new_cap = (2 * self.slots[node].cap).max(LEAF_ROOM as u32);
        self.reserve(new_cap as usize);
        let Slot { start, len, cap } = self.slots[node];
        let new_start = self.entries.len();
        self.runs.push((new_start, node as u32));
        self.entries.resize(new_start + new_cap as usize, EMPTY);
        self.entries
            .copy_within(start..start + len as usize, new_start);
        self.held += (new_cap - cap) as usize;
        self.slots[node] = Slot {
            start: new_start,
            len,
            cap: new_cap,
        };
    }

    /// Makes room for `extra` more entries at the end of the arena,
    /// compacting it first if it is full and a quarter of it is garbage
    /// (which moves the maps: slots are read after this).
    #[inline]
    fn reserve(&mut self, extra: usize) {
        if self.entries.len() + extra > self.entries.capacity() {
            self.make_room(extra);
        }
    }

    #[cold]
    fn make_room(&mut self, extra: usize) {
        if self.entries.len() - self.held > self.entries.len() / 4 {
            self.compact();
        }
        let need = self.entries.len() + extra;
        if need > self.entries.capacity() {
            // Half as much again as the live maps need now.
            self.entries.reserve(extra + need / 2 + self.spare);
        }
    }

    /// Moves every live map down over the runs of merged clusters (and the
    /// runs maps moved away from), keeping their order, so that the arena
    /// holds only the live maps and their rooms.
    fn compact(&mut self) {
        let mut cursor = 0;
        let (entries, slots) = (&mut self.entries, &mut self.slots);
        self.runs.retain_mut(|(start, node)| {
            let slot = &mut slots[*node as usize];
            if slot.cap == 0 || slot.start != *start {
                return false;
            }
            // Runs are in arena order, so the cursor is never past them.
            entries.copy_within(*start..*start + slot.len as usize, cursor);
            slot.start = cursor;
            *start = cursor;
            cursor += slot.cap as usize;
            true
        });
        entries.truncate(cursor);
        debug_assert_eq!(cursor, self.held);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connectivity::Connectivity;
    use crate::element::Precision;
    use crate::linkage::structured::paired::edge_weights;
    use crate::Metric;
    use ndarray::Array2;

    fn entries(pairs: &[(u32, f64)]) -> Vec<Entry> {
        pairs
            .iter()
            .map(|&(key, value)| Entry { key, value })
            .collect()
    }

    fn merged(a: &[(u32, f64)], b: &[(u32, f64)], rule: MergeRule) -> Vec<(u32, f64)> {
        let (a, b) = (entries(a), entries(b));
        let mut out = vec![EMPTY; a.len() + b.len()];
        let len = merge_into(&a, &b, |k| k != 6, rule, [1, 3], &mut out);
        out[..len].iter().map(|e| (e.key, e.value)).collect()
    }

    #[test]
    fn shared_neighbours_combine_and_dead_ones_vanish() {
        let a = [(0, 1.0), (2, 4.0), (5, 2.0)];
        let b = [(1, 3.0), (2, 1.0), (6, 7.0)];
        assert_eq!(
            merged(&a, &b, MergeRule::Max),
            vec![(0, 1.0), (1, 3.0), (2, 4.0), (5, 2.0)]
        );
        assert_eq!(
            merged(&a, &b, MergeRule::Average),
            vec![(0, 1.0), (1, 3.0), (2, (4.0 + 3.0) / 4.0), (5, 2.0)]
        );
        assert!(merged(&[(6, 1.0)], &[(6, 2.0)], MergeRule::Max).is_empty());
    }

    /// The arena against one `Vec` per node, through merges that overflow
    /// rooms and compactions.
    #[test]
    fn the_arena_keeps_every_map() {
        let n = 1000;
        let edges: Vec<(usize, usize)> = (0..n).map(|i| (i, (i * 7 + 1) % n)).collect();
        let graph = Connectivity::from_edges(n, &edges).unwrap();
        let points = Array2::from_shape_fn((n, 1), |(i, _)| ((i * 37) % 101) as f64);
        let adjacency = edge_weights(points.view(), &graph, Metric::Euclidean, Precision::F64);
        let n_merges = n - 1;
        let mut maps = NeighborMaps::with_spare(&adjacency, n_merges, 8);
        let mut reference: Vec<Vec<Entry>> = (0..n).map(|v| maps.get(v).to_vec()).collect();
        let mut alive = vec![true; n + n_merges];
        let mut compactions = 0;
        for k in n..n + n_merges {
            // Merge the two live nodes of smallest id.
            let mut live = (0..k).filter(|&v| alive[v]);
            let (j, i) = (live.next().unwrap(), live.next().unwrap());
            alive[i] = false;
            alive[j] = false;
            let before = maps.entries.len();
            maps.merge([i, j, k], |v| alive[v as usize], MergeRule::Average, [2, 3]);
            compactions += usize::from(maps.entries.len() < before);
            let mut out = vec![EMPTY; reference[i].len() + reference[j].len()];
            let len = merge_into(
                &reference[i],
                &reference[j],
                |v| alive[v as usize],
                MergeRule::Average,
                [2, 3],
                &mut out,
            );
            out.truncate(len);
            for e in out.clone() {
                let entry = Entry {
                    key: k as u32,
                    value: e.value,
                };
                maps.push(e.key as usize, entry);
                reference[e.key as usize].push(entry);
            }
            reference.push(out);
            alive[k] = true;
            let every = if k % 50 == 0 { 1 } else { k };
            for v in (0..=k).filter(|&v| alive[v] && (v % every == 0 || v == k)) {
                assert_eq!(maps.get(v), &reference[v][..], "node {v} after merge {k}");
            }
        }
        assert!(compactions > 0);
    }
}
