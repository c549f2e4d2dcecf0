//! Counts the rows of each table in a `mariadb-dump` SQL stream as it passes, so a MariaDB backup's
//! manifest holds the counts of the dump's own snapshot (a second connection counting at the same time
//! would see another state while writers insert). Pure: bytes in, counts out, any chunking.
//!
//! The dump writes each table's rows as statements that start a line:
//! ``INSERT INTO `name` VALUES (…),(…);`` — a row is a parenthesised tuple at the top level of the
//! statement. Strings are single-quoted with backslash escapes (`\'`, `\\`) and may hold `(`, `)`, `;`
//! and `'` doubled; binary columns come as `0x…` (`--hex-blob`). Nothing else in a tuple has parentheses.

use std::collections::BTreeMap;

const PREFIX: &[u8] = b"INSERT INTO `";

#[derive(Debug, Default)]
pub struct DumpRowCounter {
    counts: BTreeMap<String, u64>,
    state: State,
    /// How many bytes of [`PREFIX`] the current line has matched (only at the start of a line).
    matched: usize,
    at_line_start: bool,
    table: Vec<u8>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Outside an INSERT statement.
    #[default]
    Other,
    /// Reading the table name between backticks; `true` after a backtick that may be doubled.
    Table { backtick: bool },
    /// In the statement after the table name: `depth` of parentheses.
    Values { depth: u32 },
    /// Inside a quoted string of the statement.
    Quoted {
        depth: u32,
        escaped: bool,
        quote_seen: bool,
    },
}

impl DumpRowCounter {
    pub fn new() -> DumpRowCounter {
        DumpRowCounter {
            at_line_start: true,
            ..Default::default()
        }
    }

    pub fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.step(b);
        }
    }

    fn step(&mut self, b: u8) {
        match self.state {
            State::Other => {
                if self.at_line_start || self.matched > 0 {
                    if PREFIX.get(self.matched) == Some(&b) {
                        self.matched += 1;
                        if self.matched == PREFIX.len() {
                            self.matched = 0;
                            self.table.clear();
                            self.state = State::Table { backtick: false };
                        }
                    } else {
                        self.matched = 0;
                    }
                }
                self.at_line_start = b == b'\n';
            }
            State::Table { backtick } => match (b, backtick) {
                (b'`', false) => self.state = State::Table { backtick: true },
                (b'`', true) => {
                    self.table.push(b'`');
                    self.state = State::Table { backtick: false };
                }
                (_, true) => {
                    // The closing backtick was not doubled: the name ended before this byte.
                    self.counts
                        .entry(String::from_utf8_lossy(&self.table).into_owned())
                        .or_insert(0);
                    self.state = State::Values { depth: 0 };
                    self.step(b);
                }
                (_, false) => self.table.push(b),
            },
            State::Values { depth } => match b {
                b'\'' => {
                    self.state = State::Quoted {
                        depth,
                        escaped: false,
                        quote_seen: false,
                    }
                }
                b'(' => {
                    if depth == 0 {
                        *self.current() += 1;
                    }
                    self.state = State::Values { depth: depth + 1 };
                }
                b')' => {
                    self.state = State::Values {
                        depth: depth.saturating_sub(1),
                    }
                }
                b';' if depth == 0 => {
                    self.state = State::Other;
                    self.at_line_start = false;
                }
                _ => {}
            },
            State::Quoted {
                depth,
                escaped,
                quote_seen,
            } => {
                if quote_seen {
                    // A quote followed by another quote is a quote inside the string; otherwise the
                    // string ended at the first one.
                    if b == b'\'' {
                        self.state = State::Quoted {
                            depth,
                            escaped: false,
                            quote_seen: false,
                        };
                    } else {
                        self.state = State::Values { depth };
                        self.step(b);
                    }
                } else if escaped {
                    self.state = State::Quoted {
                        depth,
                        escaped: false,
                        quote_seen: false,
                    };
                } else if b == b'\\' {
                    self.state = State::Quoted {
                        depth,
                        escaped: true,
                        quote_seen: false,
                    };
                } else if b == b'\'' {
                    self.state = State::Quoted {
                        depth,
                        escaped: false,
                        quote_seen: true,
                    };
                }
            }
        }
    }

    fn current(&mut self) -> &mut u64 {
        let name = String::from_utf8_lossy(&self.table).into_owned();
        self.counts.entry(name).or_insert(0)
    }

    /// Rows seen per table. Tables whose CREATE the dump held but no INSERT are not here: the caller
    /// adds them with zero.
    pub fn finish(self) -> BTreeMap<String, u64> {
        self.counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const DUMP: &str = "-- MariaDB dump\n\
        /*!40101 SET NAMES utf8mb4 */;\n\
        CREATE TABLE `loan` (\n  `id` bigint(20) NOT NULL,\n  PRIMARY KEY (`id`)\n);\n\
        INSERT INTO `loan` VALUES (1,'a),(b'),(2,'it\\'s (x)'),(3,NULL),(4,'semi;colon'),(5,'dq''uote');\n\
        INSERT INTO `loan` VALUES (6,0x28);\n\
        -- INSERT INTO `fake` VALUES (1);\n\
        INSERT INTO `odd``name` VALUES (1,'\\\\'),(2,'(');\n";

    fn count(chunks: &[&[u8]]) -> BTreeMap<String, u64> {
        let mut c = DumpRowCounter::new();
        for chunk in chunks {
            c.feed(chunk);
        }
        c.finish()
    }

    #[test]
    fn rows_are_counted_per_table_whatever_the_strings_hold() {
        let counts = count(&[DUMP.as_bytes()]);
        assert_eq!(counts.get("loan"), Some(&6));
        assert_eq!(counts.get("odd`name"), Some(&2));
        assert_eq!(counts.len(), 2, "{counts:?}");
    }

    proptest! {
        #[test]
        fn the_counts_do_not_depend_on_how_the_stream_is_cut(cuts in proptest::collection::vec(0usize..DUMP.len(), 0..20)) {
            let bytes = DUMP.as_bytes();
            let mut cuts = cuts;
            cuts.sort_unstable();
            let mut chunks = Vec::new();
            let mut from = 0;
            for cut in cuts {
                chunks.push(&bytes[from..cut]);
                from = cut;
            }
            chunks.push(&bytes[from..]);
            prop_assert_eq!(count(&chunks), count(&[bytes]));
        }
    }
}
