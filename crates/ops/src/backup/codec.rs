//! The compressed file: gzip over the raw copy, with the SHA-256 and size of what lands on disk
//! computed as it is written (no second read of a large file).

use super::Progress;
use super::atomic::AtomicFile;
use flate2::Compression;
use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;
use sha2::{Digest, Sha256};
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::Path;

/// zlib level 3: dumps are repetitive text or pages, so it gives most of the default level's ratio at
/// a fraction of its time (docs/benchmarks.md, "Backups").
const LEVEL: u32 = 3;
const CHUNK: usize = 256 * 1024;

pub(crate) const COMPRESSION: &str = "gzip";

/// What was written.
pub(crate) struct Written {
    pub size_bytes: u64,
    pub sha256: String,
}

struct Hashing<W> {
    inner: W,
    hasher: Sha256,
    bytes: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Compresses all of `input` into `out`, calling `tap` with each raw chunk (the MariaDB row counter)
/// and reporting raw bytes to `progress`; then commits `out`.
pub(crate) fn compress_into(
    mut input: impl Read,
    out: AtomicFile,
    mut tap: impl FnMut(&[u8]),
    progress: &dyn Progress,
) -> io::Result<(AtomicFile, Written)> {
    let hashing = Hashing {
        inner: BufWriter::with_capacity(CHUNK, out),
        hasher: Sha256::new(),
        bytes: 0,
    };
    let mut encoder = GzEncoder::new(hashing, Compression::new(LEVEL));
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        tap(&buf[..n]);
        encoder.write_all(&buf[..n])?;
        progress.advance(n as u64);
    }
    let mut hashing = encoder.finish()?;
    hashing.flush()?;
    let written = Written {
        size_bytes: hashing.bytes,
        sha256: hex::encode(hashing.hasher.finalize()),
    };
    let out = hashing.inner.into_inner().map_err(|e| e.into_error())?;
    Ok((out, written))
}

/// SHA-256 and size of a file on disk.
pub(crate) fn digest_file(path: &Path, progress: &dyn Progress) -> io::Result<Written> {
    let mut file = BufReader::with_capacity(CHUNK, std::fs::File::open(path)?);
    let mut hasher = Sha256::new();
    let mut bytes = 0u64;
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        bytes += n as u64;
        progress.advance(n as u64);
    }
    Ok(Written {
        size_bytes: bytes,
        sha256: hex::encode(hasher.finalize()),
    })
}

/// A reader of the raw copy inside a compressed file. A truncated or corrupted file fails while it is
/// read (gzip's length and CRC-32 trailer), never silently short.
pub(crate) fn decompress(path: &Path) -> io::Result<impl Read> {
    let file = std::fs::File::open(path)?;
    Ok(MultiGzDecoder::new(BufReader::with_capacity(CHUNK, file)))
}
