//! Seeded byte mutations: each case's input is a function of the run's seed and the case's
//! number alone, so `--seed S --case N` gives the same bytes on any machine and thread count.

use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Mutations grow an input to at most this many bytes (or its seed's length), except the
/// rare large case.
pub const MAX_LEN: usize = 64 * 1024;
/// One case in this many is grown to between 100 and 400 KB, to catch time or memory that
/// grows faster than the input.
pub const LARGE_ONE_IN: u32 = 1000;

/// The random numbers of one case.
pub struct Rng(ChaCha8Rng);

impl Rng {
    /// The generator of case `case` of a run seeded with `seed`.
    pub fn for_case(seed: u64, case: u64) -> Self {
        let mut key = [0u8; 32];
        key[..8].copy_from_slice(&seed.to_le_bytes());
        key[8..16].copy_from_slice(&case.to_le_bytes());
        key[16..].copy_from_slice(b"stance fuzz case");
        Rng(ChaCha8Rng::from_seed(key))
    }

    /// A number below `n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.0.next_u64() % n.max(1) as u64) as usize
    }

    /// True one time in `n`.
    pub fn one_in(&mut self, n: u32) -> bool {
        self.0.next_u32().is_multiple_of(n.max(1))
    }

    /// Any byte.
    pub fn byte(&mut self) -> u8 {
        self.0.next_u32() as u8
    }

    /// A length between 1 and `max`, small lengths far more often than large ones.
    pub fn length(&mut self, max: usize) -> usize {
        let max = max.max(1);
        let bound = match self.below(4) {
            0 => 4,
            1 => 32,
            2 => 512,
            _ => max,
        };
        1 + self.below(bound.min(max))
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Pieces worth inserting: every kind of quote mark, cue words, abbreviations that fool the
/// sentence splitter, characters whose normalised or lowercase forms change length, invalid
/// UTF-8, format delimiters and numbers a JSON or safetensors reader may choke on.
const TOKENS: &[&[u8]] = &[
    "“".as_bytes(),
    "”".as_bytes(),
    "‘".as_bytes(),
    "’".as_bytes(),
    "«".as_bytes(),
    "»".as_bytes(),
    "„".as_bytes(),
    "‹".as_bytes(),
    "›".as_bytes(),
    "「".as_bytes(),
    b"\"",
    b"'",
    b"''",
    b"``",
    b"\"\"",
    b" said ",
    b" told reporters ",
    b", according to ",
    b" warned that ",
    b" he said. ",
    b" she said, \"",
    b"Sen. ",
    b"U.S. ",
    b"Dr. ",
    b"Jan. ",
    b" J. ",
    b"...",
    "…".as_bytes(),
    "\u{feff}".as_bytes(),
    b"\0",
    b"\r\n",
    b"\r",
    b"\n\n",
    b"\t",
    "\u{2028}".as_bytes(),
    "\u{85}".as_bytes(),
    "\u{a0}".as_bytes(),
    "\u{200b}".as_bytes(),
    "\u{202e}".as_bytes(),
    "e\u{301}".as_bytes(),
    "\u{301}".as_bytes(),
    "ﬁ".as_bytes(),
    "ﬃ".as_bytes(),
    "İ".as_bytes(),
    "ẞ".as_bytes(),
    "ß".as_bytes(),
    "Σ".as_bytes(),
    "㎒".as_bytes(),
    "①".as_bytes(),
    "😀".as_bytes(),
    "👩‍👩‍👧".as_bytes(),
    "ＡＢＣ".as_bytes(),
    b"\xff",
    b"\xfe\xff",
    b"\xc3",
    b"\xe2\x80",
    b"\xed\xa0\x80",
    b"\xc0\xaf",
    b"\xf4\x90\x80\x80",
    b"\x80",
    b",",
    b";",
    b"|",
    b"=",
    b"#",
    b" #",
    b" = ",
    b" | ",
    b"(",
    b")",
    b"{",
    b"}",
    b"[",
    b"]",
    b":",
    b"\\",
    b"\\u0000",
    b"\\ud800",
    b"\\\"",
    b"null",
    b"true",
    b"[]",
    b"{}",
    b"\"text\":",
    b"\"id\":",
    b"0",
    b"-1",
    b"1e308",
    b"-1e308",
    b"1e999",
    b"4294967296",
    b"18446744073709551615",
    b"18446744073709551616",
    b"9223372036854775807",
    b"99999999999999999999999999",
    b"1000000000000000",
    b"0.0000000000000000000001",
    b"NaN",
    b"Infinity",
    b"text",
    b"actor",
    b"stance",
    b"sentiment",
    b"context",
    b"mention_start",
    b"split",
    b"train",
    b"favor",
    b"against",
    b"neutral",
    b"[UNK]",
    b"[TARGET]",
    b"[OTHER]",
];

/// Numbers that replace a number already there.
const NUMBERS: &[&[u8]] = &[
    b"0",
    b"1",
    b"-1",
    b"2",
    b"255",
    b"65536",
    b"4294967295",
    b"4294967296",
    b"1000000000000000",
    b"18446744073709551615",
    b"18446744073709551616",
    b"1e308",
    b"1e999",
    b"-0",
    b"0.5",
    b"NaN",
];

/// Applies one to eight random mutations to `bytes`; `names` are actor names to insert and
/// `others` the seeds to splice from.
pub fn mutate(bytes: &mut Vec<u8>, rng: &mut Rng, names: &[String], others: &[Vec<u8>]) {
    let limit = bytes.len().max(MAX_LEN);
    let spread = 1 << rng.below(4);
    let rounds = 1 + rng.below(spread).min(7);
    for _ in 0..rounds {
        mutate_once(bytes, rng, names, others);
    }
    bytes.truncate(limit);
}

fn mutate_once(bytes: &mut Vec<u8>, rng: &mut Rng, names: &[String], others: &[Vec<u8>]) {
    let len = bytes.len();
    let at = rng.below(len + 1);
    match rng.below(14) {
        // Flip a bit.
        0 if len > 0 => {
            let i = rng.below(len);
            bytes[i] ^= 1 << rng.below(8);
        }
        // Overwrite a byte with any byte.
        1 if len > 0 => {
            let i = rng.below(len);
            bytes[i] = rng.byte();
        }
        // Delete a range.
        2 if len > 0 => {
            let i = rng.below(len);
            let n = rng.length(len - i);
            bytes.drain(i..i + n);
        }
        // Insert random bytes.
        3 => {
            let n = rng.length(16);
            let random: Vec<u8> = (0..n).map(|_| rng.byte()).collect();
            bytes.splice(at..at, random);
        }
        // Insert a token, or an actor's name.
        4..=6 => {
            let token: &[u8] = if rng.one_in(4) && !names.is_empty() {
                rng.pick(names).as_bytes()
            } else {
                rng.pick::<&[u8]>(TOKENS)
            };
            bytes.splice(at..at, token.iter().copied());
        }
        // Splice in a piece of another seed.
        7 if !others.is_empty() => {
            let other = rng.pick(others);
            if !other.is_empty() {
                let i = rng.below(other.len());
                let n = rng.length(other.len() - i);
                let piece = other[i..i + n].to_vec();
                if rng.one_in(2) {
                    bytes.splice(at..at, piece);
                } else {
                    let end = (at + piece.len()).min(len);
                    bytes.splice(at..end, piece);
                }
            }
        }
        // Repeat a run of the input.
        8 if len > 0 => {
            let i = rng.below(len);
            let n = rng.length((len - i).min(256));
            let times = rng.length(64);
            let run: Vec<u8> = bytes[i..i + n].repeat(times);
            bytes.splice(i..i, run);
        }
        // A long run of one byte or token.
        9 => {
            let token: &[u8] = rng.pick::<&[u8]>(TOKENS);
            let times = rng.length(4096 / token.len().max(1));
            bytes.splice(at..at, token.repeat(times));
        }
        // Cut the end off.
        10 if len > 0 => bytes.truncate(rng.below(len)),
        // Replace a number with a large or odd one.
        11 => {
            let digit = (0..8)
                .map(|_| rng.below(len.max(1)))
                .find(|&i| bytes.get(i).is_some_and(u8::is_ascii_digit));
            if let Some(i) = digit {
                let start = (0..i)
                    .rev()
                    .find(|&j| !bytes[j].is_ascii_digit())
                    .map_or(0, |j| j + 1);
                let end = (i..len)
                    .find(|&j| !bytes[j].is_ascii_digit())
                    .unwrap_or(len);
                let number: &[u8] = rng.pick::<&[u8]>(NUMBERS);
                bytes.splice(start..end, number.iter().copied());
            }
        }
        // Change the case of a run of ASCII letters.
        12 if len > 0 => {
            let i = rng.below(len);
            let n = rng.length(len - i);
            let upper = rng.one_in(2);
            for b in &mut bytes[i..i + n] {
                *b = if upper {
                    b.to_ascii_uppercase()
                } else {
                    b.to_ascii_lowercase()
                };
            }
        }
        // Move a range elsewhere.
        _ if len > 1 => {
            let i = rng.below(len);
            let n = rng.length(len - i);
            let piece: Vec<u8> = bytes.drain(i..i + n).collect();
            let to = rng.below(bytes.len() + 1);
            bytes.splice(to..to, piece);
        }
        _ => bytes.push(rng.byte()),
    }
}

/// `bytes` repeated (and cut) to a length between 100 and 400 KB.
pub fn grow(bytes: &[u8], rng: &mut Rng) -> Vec<u8> {
    let target = (100 + rng.below(300)) * 1024;
    if bytes.is_empty() {
        return vec![b'a'; target];
    }
    let mut grown = bytes.repeat(target / bytes.len() + 1);
    grown.truncate(target);
    grown
}
