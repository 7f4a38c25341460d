// SPDX-License-Identifier: GPL-2.0
//! Relays bytes between QEMU's human monitor socket and the host end of the
//! guest's `re1000.monitor` virtio-serial port, so in-guest tests can send
//! HMP commands such as `set_link nic1 off`.
//!
//! The guest's 9p root cannot reach a host unix socket, and QEMU cannot wire
//! a monitor to a virtio-serial port directly, so both are unix-socket
//! servers inside QEMU and this relay is their only client.

use std::io::{self, Read, Write};
use std::net::Shutdown;
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use re1000_vm::qemu::MonitorSockets;

const POLL: Duration = Duration::from_millis(20);

/// Starts the relay. It waits for QEMU to create both sockets and gives up
/// quietly once `stop` is set (QEMU exited before getting that far).
pub fn spawn(socks: MonitorSockets, stop: Arc<AtomicBool>) -> JoinHandle<()> {
    thread::spawn(move || {
        let Some(monitor) = connect_when_ready(&socks.monitor, &stop) else {
            return;
        };
        let Some(port) = connect_when_ready(&socks.guest_port, &stop) else {
            return;
        };
        if let Err(e) = pump(monitor, port) {
            eprintln!("[vm] monitor relay stopped: {e}");
        }
    })
}

fn connect_when_ready(path: &Path, stop: &AtomicBool) -> Option<UnixStream> {
    while !stop.load(Ordering::Relaxed) {
        // QEMU binds its server sockets during start-up; until then connect
        // fails with ENOENT or ECONNREFUSED.
        if let Ok(s) = UnixStream::connect(path) {
            return Some(s);
        }
        thread::sleep(POLL);
    }
    None
}

fn pump(monitor: UnixStream, port: UnixStream) -> io::Result<()> {
    let (m2, p2) = (monitor.try_clone()?, port.try_clone()?);
    let back = thread::spawn(move || copy(p2, m2));
    let fwd = copy(monitor, port);
    let back = back.join().unwrap_or(Ok(()));
    fwd.and(back)
}

/// Copies until either side closes, then shuts both down so the other
/// direction ends too.
fn copy(mut from: UnixStream, mut to: UnixStream) -> io::Result<()> {
    let mut buf = [0u8; 4096];
    let res = loop {
        match from.read(&mut buf) {
            Ok(0) => break Ok(()),
            Ok(n) => {
                if let Err(e) = to.write_all(&buf[..n]) {
                    break Err(e);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => break Err(e),
        }
    };
    let _ = from.shutdown(Shutdown::Both);
    let _ = to.shutdown(Shutdown::Both);
    match res {
        // QEMU going away mid-copy is the normal end of a run.
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::BrokenPipe | io::ErrorKind::ConnectionReset
            ) =>
        {
            Ok(())
        }
        r => r,
    }
}
