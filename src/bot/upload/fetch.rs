//! Downloading an upload from the Bot API: `getFile`, then the file URL, bounded in size
//! ([`MAX_BYTES`], checked against the stated size first and against what arrives as it
//! arrives, [`Capped`]) and in time ([`DOWNLOAD_TIME`]); a download shorter than stated is a
//! failure, never a smaller file.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use teloxide::net::Download;
use teloxide::prelude::*;
use teloxide::types::Document;

use super::super::Tg;

/// The largest file added from chat: 20 MiB, what the Bot API lets a bot download.
pub const MAX_BYTES: u32 = 20 * 1024 * 1024;

/// The longest a download may take.
pub const DOWNLOAD_TIME: Duration = Duration::from_secs(120);

/// Why a download gave no file.
#[derive(Debug)]
pub enum Fetch {
    /// Larger than [`MAX_BYTES`] (the size Telegram states, or what came).
    TooLarge(u64),
    /// Telegram's error, a time-out, or a file cut short (for the log, maybe with the token).
    Failed(String),
}

/// `getFile`, then the download, bounded by [`MAX_BYTES`] and [`DOWNLOAD_TIME`].
pub async fn download(bot: &Tg, doc: &Document) -> Result<Vec<u8>, Fetch> {
    let file = bot
        .get_file(doc.file.id.clone())
        .await
        .map_err(|e| Fetch::Failed(format!("getFile: {e}")))?;
    let stated = [file.size, doc.file.size].into_iter().find(|&s| s != u32::MAX);
    if let Some(size) = stated.filter(|&s| s > MAX_BYTES) {
        return Err(Fetch::TooLarge(u64::from(size)));
    }
    let mut sink = Capped::new(MAX_BYTES as usize);
    let fetched =
        tokio::time::timeout(DOWNLOAD_TIME, bot.download_file(&file.path, &mut sink)).await;
    match fetched {
        Err(_) => return Err(Fetch::Failed("the download timed out".to_string())),
        Ok(Err(_)) if sink.over => return Err(Fetch::TooLarge(sink.seen)),
        Ok(Err(err)) => return Err(Fetch::Failed(format!("download: {err}"))),
        Ok(Ok(())) => {}
    }
    if let Some(size) = stated
        && sink.bytes.len() != size as usize
    {
        return Err(Fetch::Failed(format!("got {} of {size} bytes", sink.bytes.len())));
    }
    Ok(sink.bytes)
}

/// A download's destination that holds at most `limit` bytes: past it, writing fails, which
/// ends the download.
struct Capped {
    bytes: Vec<u8>,
    limit: usize,
    /// Bytes offered so far, kept and refused.
    seen: u64,
    /// Whether more than `limit` bytes came.
    over: bool,
}

impl Capped {
    fn new(limit: usize) -> Capped {
        Capped { bytes: Vec::new(), limit, seen: 0, over: false }
    }
}

impl tokio::io::AsyncWrite for Capped {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.seen += buf.len() as u64;
        if self.bytes.len() + buf.len() > self.limit {
            self.over = true;
            return Poll::Ready(Err(io::Error::other("past the upload size limit")));
        }
        self.bytes.extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::AsyncWrite;

    use super::*;

    fn write(sink: &mut Capped, bytes: &[u8]) -> io::Result<usize> {
        let mut cx = Context::from_waker(std::task::Waker::noop());
        match Pin::new(sink).poll_write(&mut cx, bytes) {
            Poll::Ready(result) => result,
            Poll::Pending => panic!("a capped sink never waits"),
        }
    }

    #[test]
    fn a_download_past_the_limit_stops_at_the_limit() {
        let mut sink = Capped::new(10);
        assert_eq!(write(&mut sink, b"12345").unwrap(), 5);
        assert_eq!(write(&mut sink, b"12345").unwrap(), 5);
        assert!(write(&mut sink, b"1").is_err());
        assert!(sink.over);
        assert_eq!((sink.bytes.len(), sink.seen), (10, 11));
    }
}
