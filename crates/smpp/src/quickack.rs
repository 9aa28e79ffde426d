//! Acknowledging the SMSC's segments at once while responses are still owed.
//!
//! An SMSC that leaves Nagle's algorithm on (many do; the `smpp34` crate's server does) holds
//! its second and later small responses until its first one is acknowledged. While we have
//! requests to send, their segments carry that acknowledgement; once the window is full (or the
//! burst is over) we send nothing, the kernel delays its pure ACK (40 ms on Linux), and every
//! response behind it waits that long. Setting `TCP_QUICKACK` after a read that left requests in
//! flight sends the pending ACK right away (one `setsockopt`, only then: a read that answered
//! everything costs nothing extra).

use std::io;

/// A second handle on the session's TCP socket, for `TCP_QUICKACK` (Linux) — a no-op elsewhere
/// and for streams that are not TCP (tests over in-memory pipes).
///
/// Owned by the reader task and dropped with its read half, so it never keeps a closed
/// session's socket open.
pub(crate) struct QuickAck {
    #[cfg(target_os = "linux")]
    socket: Option<socket2::Socket>,
}

impl QuickAck {
    /// No socket option to set.
    pub(crate) fn none() -> QuickAck {
        QuickAck {
            #[cfg(target_os = "linux")]
            socket: None,
        }
    }

    /// A handle on `tcp` (a duplicated descriptor of the same socket).
    pub(crate) fn of(tcp: &tokio::net::TcpStream) -> io::Result<QuickAck> {
        #[cfg(target_os = "linux")]
        {
            let socket = socket2::SockRef::from(tcp).try_clone()?;
            Ok(QuickAck {
                socket: Some(socket),
            })
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = tcp;
            Ok(QuickAck::none())
        }
    }

    /// Acknowledge what was read so far now instead of after the delayed-ACK timer.
    pub(crate) fn now(&self) {
        #[cfg(target_os = "linux")]
        if let Some(s) = &self.socket {
            // Best effort: a failure only means the ACK goes out on the kernel's own schedule.
            let _ = s.set_tcp_quickack(true);
        }
    }
}
