//! What a link has to write: packets encoded back to back into one buffer, and large
//! payloads kept as the shared `Bytes` every subscriber's delivery already points to, written
//! together with vectored writes. Fan-out of a large message therefore copies its payload
//! once per subscriber only into the kernel, never into a buffer of ours.

use std::collections::VecDeque;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Buf, Bytes, BytesMut};
use tokio::io::AsyncWrite;

use crate::codec::{Packet, ProtocolVersion, Publish, encode_packet, encode_publish_head};

/// Payloads at least this large are written from where they are instead of being copied
/// into the output buffer (below it, one more iovec costs more than the copy).
pub const SHARE_ABOVE: usize = 1024;
/// Most pieces gathered into one vectored write.
const MAX_SLICES: usize = 32;

/// A connection's pending output.
#[derive(Debug, Default)]
pub struct Output {
    /// Sealed pieces, in order.
    chunks: VecDeque<Bytes>,
    /// Bytes in `chunks`.
    queued: usize,
    /// Where packets are encoded; written after `chunks`.
    tail: BytesMut,
}

impl Output {
    /// The buffer packets are encoded into.
    pub fn buf(&mut self) -> &mut BytesMut {
        &mut self.tail
    }

    /// Appends `bytes` after what was encoded so far, without copying it.
    pub fn push_shared(&mut self, bytes: Bytes) {
        if !self.tail.is_empty() {
            let sealed = self.tail.split().freeze();
            self.queued += sealed.len();
            self.chunks.push_back(sealed);
        }
        self.queued += bytes.len();
        self.chunks.push_back(bytes);
    }

    /// Bytes waiting to be written.
    pub fn len(&self) -> usize {
        self.queued + self.tail.len()
    }

    /// True when nothing is waiting.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends a packet. One that cannot be encoded (a codec limit) is left out: `false`.
    pub fn push_packet(&mut self, packet: &Packet, version: ProtocolVersion) -> bool {
        let start = self.tail.len();
        if encode_packet(packet, version, &mut self.tail).is_err() {
            self.tail.truncate(start);
            return false;
        }
        true
    }

    /// Appends a PUBLISH unless its packet would be larger than `max_packet_size` (the peer's
    /// Maximum Packet Size) or cannot be encoded: then nothing is appended and it is `false`.
    /// A payload of [`SHARE_ABOVE`] bytes or more is not copied: it is queued as the shared
    /// `Bytes` it already is.
    pub fn push_publish(
        &mut self,
        publish: Publish,
        version: ProtocolVersion,
        max_packet_size: usize,
    ) -> bool {
        let start = self.tail.len();
        if publish.payload.len() < SHARE_ABOVE {
            let encoded = encode_packet(&Packet::Publish(publish), version, &mut self.tail);
            if encoded.is_err() || self.tail.len() - start > max_packet_size {
                self.tail.truncate(start);
                return false;
            }
            return true;
        }
        match encode_publish_head(&publish, version, &mut self.tail) {
            Ok(size) if size <= max_packet_size => {
                self.push_shared(publish.payload);
                true
            }
            _ => {
                self.tail.truncate(start);
                false
            }
        }
    }

    /// Forgets everything not yet written.
    pub fn clear(&mut self) {
        *self = Output::default();
    }

    /// Writes some of the output with one system call and returns how much was written.
    /// Cancel safe: nothing is consumed unless the write completed.
    pub async fn write_to<W: AsyncWrite + Unpin>(&mut self, writer: &mut W) -> io::Result<usize> {
        // Polled through a plain function so that the slice array lives on the stack during
        // each poll, not in the future's state (which every idle connection would carry).
        let written =
            std::future::poll_fn(|cx| self.poll_write(Pin::new(&mut *writer), cx)).await?;
        self.consume(written);
        Ok(written)
    }

    fn poll_write<W: AsyncWrite>(
        &self,
        writer: Pin<&mut W>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<usize>> {
        if self.chunks.is_empty() {
            return writer.poll_write(cx, &self.tail);
        }
        let mut slices = [IoSlice::new(&[]); MAX_SLICES];
        let mut count = 0;
        for chunk in self.chunks.iter().take(MAX_SLICES - 1) {
            slices[count] = IoSlice::new(chunk);
            count += 1;
        }
        if count < MAX_SLICES - 1 && !self.tail.is_empty() {
            slices[count] = IoSlice::new(&self.tail);
            count += 1;
        }
        writer.poll_write_vectored(cx, &slices[..count])
    }

    fn consume(&mut self, mut n: usize) {
        while n > 0 {
            match self.chunks.front_mut() {
                Some(front) if n >= front.len() => {
                    n -= front.len();
                    self.queued -= front.len();
                    self.chunks.pop_front();
                }
                Some(front) => {
                    front.advance(n);
                    self.queued -= n;
                    n = 0;
                }
                None => {
                    self.tail.advance(n);
                    n = 0;
                }
            }
        }
    }

    /// Once everything is written, gives back an encoding buffer larger than `keep`, so idle
    /// connections hold no memory for output.
    pub fn release_if_idle(&mut self, keep: usize) {
        if self.is_empty() && self.tail.capacity() > keep {
            self.tail = BytesMut::new();
        }
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::AsyncReadExt;

    use super::*;

    #[tokio::test]
    async fn pieces_come_out_in_order_across_partial_writes() {
        let mut out = Output::default();
        out.buf().extend_from_slice(b"head1");
        out.push_shared(Bytes::from(vec![b'x'; 5000]));
        out.buf().extend_from_slice(b"head2");
        out.push_shared(Bytes::from_static(b"shared"));
        out.buf().extend_from_slice(b"tail");
        let expected: Vec<u8> =
            [&b"head1"[..], &[b'x'; 5000], b"head2", b"shared", b"tail"].concat();
        assert_eq!(out.len(), expected.len());
        // A pipe with a small buffer forces partial writes.
        let (mut writer, mut reader) = tokio::io::duplex(700);
        let reading = tokio::spawn(async move {
            let mut got = Vec::new();
            reader.read_to_end(&mut got).await.map(|_| got)
        });
        while !out.is_empty() {
            out.write_to(&mut writer).await.unwrap();
        }
        drop(writer);
        assert_eq!(reading.await.unwrap().unwrap(), expected);
        out.release_if_idle(0);
        assert_eq!(out.buf().capacity(), 0);
    }
}
