// SPDX-License-Identifier: GPL-2.0
//! The bench's TCP request/response loop: one byte out, one byte back, over
//! and over on one connection with Nagle off, so that every transaction is a
//! frame each way and its time is the round trip through both drivers, both
//! stacks and QEMU (what `netperf TCP_RR` measures; netperf is not packaged
//! in Debian main).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::traffic;

/// Answers each accepted connection (one thread each) byte for byte until
/// its peer closes it; runs until the process is killed.
pub fn serve(listener: &TcpListener) -> Result<()> {
    for conn in listener.incoming() {
        let s = conn.context("accepting")?;
        thread::spawn(move || {
            // A connection's errors end that connection only.
            let _ = echo_bytes(s);
        });
    }
    Ok(())
}

fn echo_bytes(mut s: TcpStream) -> std::io::Result<()> {
    s.set_nodelay(true)?;
    let mut b = [0u8; 1];
    loop {
        if s.read(&mut b)? == 0 {
            return Ok(());
        }
        s.write_all(&b)?;
    }
}

/// Runs transactions against `addr` for `time`; the round trip of each.
/// A reply that is not the byte sent, a stall of `timeout` or a closed
/// connection is an error.
pub fn run(addr: &str, time: Duration, timeout: Duration) -> Result<Vec<Duration>> {
    let mut s = traffic::connect(addr, Duration::from_secs(10))?;
    s.set_nodelay(true)?;
    s.set_read_timeout(Some(timeout))?;
    let mut rtts = Vec::new();
    let start = Instant::now();
    let mut n: u8 = 0;
    while start.elapsed() < time {
        n = n.wrapping_add(1);
        let t = Instant::now();
        s.write_all(&[n])
            .with_context(|| format!("sending transaction {}", rtts.len()))?;
        let mut b = [0u8; 1];
        let got = s
            .read(&mut b)
            .with_context(|| format!("waiting for reply {}", rtts.len()))?;
        let rtt = t.elapsed();
        if got == 0 {
            bail!("{addr} closed the connection after {} replies", rtts.len());
        }
        if b[0] != n {
            bail!("reply {} carried {:#04x}, sent {n:#04x}", rtts.len(), b[0]);
        }
        rtts.push(rtt);
    }
    Ok(rtts)
}
