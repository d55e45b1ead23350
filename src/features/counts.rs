//! How often each column occurs in one row's terms, given back in column order.
//!
//! A row is built from about a thousand term columns, a third of them repeats. Sorting them
//! to count the repeats (a radix sort, three passes over every column and a scratch copy) was
//! a sixth of `predict`'s time on articles; a count per column and a bitmap of the columns
//! seen cost one pass, and the bitmap gives the distinct columns back in order.

use std::cell::RefCell;

/// The counts of one row's columns, kept between rows (every count is 0 and every bit clear
/// outside [`ColumnCounts::add`] … [`ColumnCounts::drain`]).
#[derive(Debug, Default)]
pub(crate) struct ColumnCounts {
    /// How often each column was added since the last drain.
    counts: Vec<u32>,
    /// Bit `c` is set when column `c` was added since the last drain.
    seen: Vec<u64>,
    /// Bit `w` is set when word `w` of `seen` is not 0.
    words: Vec<u64>,
}

thread_local! {
    /// One set of counts per thread, kept between calls: sized to the feature space's columns,
    /// it is too large to clear for every article.
    static COUNTS: RefCell<ColumnCounts> = RefCell::default();
}

impl ColumnCounts {
    /// Runs `f` with this thread's counts, sized for `columns` columns.
    pub(crate) fn with<R>(columns: usize, f: impl FnOnce(&mut ColumnCounts) -> R) -> R {
        COUNTS.with(|counts| {
            let mut counts = counts.borrow_mut();
            counts.reserve(columns);
            f(&mut counts)
        })
    }

    /// Room for columns `0..columns`.
    fn reserve(&mut self, columns: usize) {
        if self.counts.len() < columns {
            self.counts.resize(columns, 0);
            self.seen.resize(columns.div_ceil(64), 0);
            self.words.resize(self.seen.len().div_ceil(64), 0);
        }
    }

    /// Counts one occurrence of `column`; true the first time since the last drain.
    #[inline]
    pub(crate) fn add(&mut self, column: u32) -> bool {
        let column = column as usize;
        let count = &mut self.counts[column];
        *count += 1;
        if *count > 1 {
            return false;
        }
        self.seen[column / 64] |= 1 << (column % 64);
        self.words[column / 4096] |= 1 << (column / 64 % 64);
        true
    }

    /// Gives each column added since the last drain with its count to `f`, in ascending column
    /// order, and forgets them.
    pub(crate) fn drain(&mut self, mut f: impl FnMut(u32, u32)) {
        for (w, summary) in self.words.iter_mut().enumerate() {
            let mut words = std::mem::take(summary);
            while words != 0 {
                let word = w * 64 + words.trailing_zeros() as usize;
                words &= words - 1;
                let mut bits = std::mem::take(&mut self.seen[word]);
                while bits != 0 {
                    let column = word * 64 + bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    f(column as u32, std::mem::take(&mut self.counts[column]));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn counted(columns: usize, added: &[u32]) -> Vec<(u32, u32)> {
        ColumnCounts::with(columns, |counts| {
            for &column in added {
                counts.add(column);
            }
            let mut drained = Vec::new();
            counts.drain(|column, count| drained.push((column, count)));
            drained
        })
    }

    #[test]
    fn columns_come_back_in_order_with_their_counts() {
        assert_eq!(
            counted(10_000, &[9_999, 3, 64, 3, 4_096, 0, 63, 3, 4_095]),
            vec![
                (0, 1),
                (3, 3),
                (63, 1),
                (64, 1),
                (4_095, 1),
                (4_096, 1),
                (9_999, 1)
            ]
        );
        assert_eq!(counted(10_000, &[]), vec![]);
    }

    proptest! {
        /// The counts are what sorting and counting the runs gives, and a drain leaves nothing
        /// behind for the next row, whatever size the space had before.
        #[test]
        fn counts_are_the_runs_of_the_sorted_columns(
            rows in proptest::collection::vec(
                (1usize..300_000).prop_flat_map(|columns| {
                    proptest::collection::vec(0..columns as u32, 0..200)
                        .prop_map(move |added| (columns, added))
                }),
                1..4,
            ),
        ) {
            for (columns, added) in rows {
                let mut sorted = added.clone();
                sorted.sort_unstable();
                let expected: Vec<(u32, u32)> = sorted
                    .chunk_by(|a, b| a == b)
                    .map(|run| (run[0], run.len() as u32))
                    .collect();
                prop_assert_eq!(counted(columns, &added), expected);
            }
        }
    }
}
