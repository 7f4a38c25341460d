// SPDX-License-Identifier: GPL-2.0
//! `re1000-guest tool ...`: the traffic endpoints the suites run on the peer
//! side (`ip netns exec peer re1000-guest tool ...`), and [`Helper`], which
//! starts one and follows it.
//!
//! A tool speaks a line protocol on stdout: `ready` once it listens,
//! `progress N` every 200 ms (bytes or datagrams so far), and one closing
//! `result {JSON}`. A tool that fails exits non-zero with the reason on
//! stderr.

use std::io::{BufRead, BufReader, Read};
use std::net::{IpAddr, TcpListener, UdpSocket};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::Subcommand;

use crate::{echo, packet, rr, traffic};

#[derive(Subcommand, Debug, Clone)]
pub enum Tool {
    /// Send a deterministic TCP stream and report its SHA-256
    TcpSend {
        #[arg(long, value_name = "ADDR:PORT")]
        connect: String,
        #[arg(long)]
        bytes: u64,
        #[arg(long)]
        seed: u64,
        /// Pace to this many bytes per second
        #[arg(long)]
        rate: Option<u64>,
        /// Fail after this long without progress
        #[arg(long, default_value_t = 20)]
        idle: u64,
        /// TCP_USER_TIMEOUT in seconds (default: --idle)
        #[arg(long)]
        retrans_limit: Option<u64>,
    },
    /// Accept one TCP connection, read it to EOF, report bytes and SHA-256
    TcpRecv {
        #[arg(long, value_name = "ADDR:PORT")]
        listen: String,
        #[arg(long, default_value_t = 20)]
        idle: u64,
        /// Give up if nobody connects within this many seconds
        #[arg(long, default_value_t = 60)]
        accept_timeout: u64,
    },
    /// Send a UDP flow (sequence-numbered, patterned datagrams)
    UdpSend {
        #[arg(long, value_name = "ADDR:PORT")]
        connect: String,
        #[arg(long)]
        tag: u32,
        /// Datagrams (0: until killed)
        #[arg(long)]
        count: u64,
        #[arg(long)]
        min: usize,
        #[arg(long)]
        max: usize,
        #[arg(long)]
        pps: Option<u32>,
        /// Background traffic: ignore send errors
        #[arg(long)]
        lenient: bool,
    },
    /// Receive a UDP flow and report what arrived intact
    UdpRecv {
        #[arg(long, value_name = "ADDR:PORT")]
        listen: String,
        #[arg(long)]
        tag: u32,
        #[arg(long)]
        count: u64,
        #[arg(long)]
        min: usize,
        #[arg(long)]
        max: usize,
        /// Stop after this many seconds without a datagram
        #[arg(long, default_value_t = 3)]
        idle: u64,
        /// Wait this long for the first datagram
        #[arg(long, default_value_t = 60)]
        first: u64,
    },
    /// ICMP/ICMPv6 echo with payload verification, for each size
    Echo {
        #[arg(long)]
        dst: IpAddr,
        #[arg(long, value_delimiter = ',', required = true)]
        sizes: Vec<usize>,
        #[arg(long, default_value_t = 3)]
        count: u16,
        #[arg(long, default_value_t = 5)]
        timeout: u64,
    },
    /// Answer every byte received on each accepted TCP connection with one
    /// byte, until killed (the far end of the bench's request/response loop)
    RrServer {
        #[arg(long, value_name = "ADDR:PORT")]
        listen: String,
    },
    /// Send raw Ethernet frames (EtherType 0x88b5) in batches, in order
    RawSend {
        #[arg(long)]
        ifname: String,
        #[arg(long)]
        src: String,
        #[arg(long)]
        tag: u32,
        /// MAC/KIND/COUNT (repeatable)
        #[arg(long = "batch", required = true)]
        batches: Vec<String>,
    },
}

fn say(line: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// Prints `progress N` every 200 ms until dropped.
struct Ticker {
    done: Arc<AtomicBool>,
    thread: Option<thread::JoinHandle<()>>,
}

impl Ticker {
    fn start(progress: Arc<AtomicU64>) -> Self {
        let done = Arc::new(AtomicBool::new(false));
        let d = done.clone();
        let thread = thread::spawn(move || {
            while !d.load(Ordering::Relaxed) {
                thread::sleep(Duration::from_millis(200));
                say(&format!("progress {}", progress.load(Ordering::Relaxed)));
            }
        });
        Self {
            done,
            thread: Some(thread),
        }
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn secs(t: Instant) -> f64 {
    t.elapsed().as_secs_f64()
}

/// Runs a tool (in this process's namespace); returns the exit status.
pub fn run(t: Tool) -> Result<i32> {
    let progress = Arc::new(AtomicU64::new(0));
    let never = AtomicBool::new(false);
    let result = match t {
        Tool::TcpSend {
            connect,
            bytes,
            seed,
            rate,
            idle,
            retrans_limit,
        } => {
            let o = traffic::StreamOpts {
                idle: Duration::from_secs(idle),
                rate,
                retrans_limit: Duration::from_secs(retrans_limit.unwrap_or(idle)),
            };
            let mut s = traffic::connect(&connect, Duration::from_secs(idle))?;
            let _tick = Ticker::start(progress.clone());
            let start = Instant::now();
            traffic::send_stream(&mut s, bytes, seed, &o, &progress)?.to_json(secs(start))
        }
        Tool::TcpRecv {
            listen,
            idle,
            accept_timeout,
        } => {
            let l = TcpListener::bind(&listen).with_context(|| format!("listening on {listen}"))?;
            l.set_nonblocking(true)?;
            say("ready");
            let start = Instant::now();
            let (mut s, _) = loop {
                match l.accept() {
                    Ok(c) => break c,
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                        if start.elapsed() > Duration::from_secs(accept_timeout) {
                            bail!("nobody connected to {listen} within {accept_timeout} s");
                        }
                        thread::sleep(Duration::from_millis(20));
                    }
                    Err(e) => return Err(e).context("accept"),
                }
            };
            s.set_nonblocking(false)?;
            let o = traffic::StreamOpts {
                idle: Duration::from_secs(idle),
                rate: None,
                retrans_limit: Duration::from_secs(idle),
            };
            let _tick = Ticker::start(progress.clone());
            let start = Instant::now();
            traffic::recv_stream(&mut s, &o, &progress)?.to_json(secs(start))
        }
        Tool::UdpSend {
            connect,
            tag,
            count,
            min,
            max,
            pps,
            lenient,
        } => {
            let flow = traffic::UdpFlow::new(tag, count, min, max)?;
            let s = UdpSocket::bind("0.0.0.0:0")?;
            s.connect(&connect)
                .with_context(|| format!("connecting to {connect}"))?;
            if !lenient {
                traffic::ip_recverr(&s)?;
            }
            let _tick = Ticker::start(progress.clone());
            let start = Instant::now();
            let o = traffic::SendOpts { pps, lenient };
            traffic::send_udp(&s, &flow, &o, &never, &progress)?.to_json(secs(start))
        }
        Tool::UdpRecv {
            listen,
            tag,
            count,
            min,
            max,
            idle,
            first,
        } => {
            let flow = traffic::UdpFlow::new(tag, count, min, max)?;
            let s = UdpSocket::bind(&listen).with_context(|| format!("binding {listen}"))?;
            traffic::force_rcvbuf(&s, 16 << 20)?;
            say("ready");
            let _tick = Ticker::start(progress.clone());
            let start = Instant::now();
            let o = traffic::RecvOpts {
                idle: Duration::from_secs(idle),
                first: Duration::from_secs(first),
            };
            traffic::recv_udp(&s, &flow, &o, &never, &progress)?.to_json(secs(start))
        }
        Tool::Echo {
            dst,
            sizes,
            count,
            timeout,
        } => {
            let mut reps = Vec::new();
            for size in sizes {
                let r = echo::echo(dst, size, count, Duration::from_secs(timeout))?;
                let mut j = r.to_json();
                j["size"] = size.into();
                reps.push(j);
            }
            serde_json::Value::Array(reps)
        }
        Tool::RrServer { listen } => {
            let l = TcpListener::bind(&listen).with_context(|| format!("listening on {listen}"))?;
            say("ready");
            rr::serve(&l)?;
            serde_json::Value::Null
        }
        Tool::RawSend {
            ifname,
            src,
            tag,
            batches,
        } => {
            let src = packet::parse_mac(&src)?;
            let batches: Vec<packet::Batch> = batches
                .iter()
                .map(|b| packet::Batch::parse(b))
                .collect::<Result<_>>()?;
            let n = packet::send_batches(&ifname, &src, tag, &batches)?;
            serde_json::json!({ "sent": n })
        }
    };
    say(&format!("result {result}"));
    Ok(0)
}

// ---------------------------------------------------------------------------
// The parent side

/// A running tool in another namespace.
#[derive(Debug)]
pub struct Helper {
    what: String,
    child: Child,
    lines: mpsc::Receiver<Option<String>>,
    stderr: Arc<Mutex<String>>,
    eof: bool,
    progress: u64,
    ready: bool,
    result: Option<serde_json::Value>,
    chatter: Vec<String>,
}

impl Helper {
    /// Starts `re1000-guest tool ARGS` in `netns` (or here, for `None`).
    pub fn spawn(netns: Option<&str>, args: &[String]) -> Result<Self> {
        let exe = std::env::current_exe().context("finding re1000-guest")?;
        let mut c = match netns {
            Some(ns) => {
                let mut c = Command::new("ip");
                c.args(["netns", "exec", ns]).arg(&exe);
                c
            }
            None => Command::new(&exe),
        };
        c.arg("tool").args(args);
        let what = format!(
            "`{}tool {}`",
            netns.map_or(String::new(), |n| format!(
                "ip netns exec {n} re1000-guest "
            )),
            args.join(" ")
        );
        let mut child = c
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting {what}"))?;
        let (tx, rx) = mpsc::channel();
        let out = child.stdout.take().context("child stdout")?;
        thread::spawn(move || {
            for l in BufReader::new(out).lines() {
                match l {
                    Ok(l) => {
                        if tx.send(Some(l)).is_err() {
                            return;
                        }
                    }
                    Err(_) => break,
                }
            }
            let _ = tx.send(None);
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut err = child.stderr.take().context("child stderr")?;
        let sink = stderr.clone();
        thread::spawn(move || {
            let mut s = String::new();
            let _ = err.read_to_string(&mut s);
            sink.lock().unwrap().push_str(&s);
        });
        Ok(Self {
            what,
            child,
            lines: rx,
            stderr,
            eof: false,
            progress: 0,
            ready: false,
            result: None,
            chatter: Vec::new(),
        })
    }

    fn handle(&mut self, line: Option<String>) {
        let Some(l) = line else {
            self.eof = true;
            return;
        };
        if l == "ready" {
            self.ready = true;
        } else if let Some(n) = l.strip_prefix("progress ") {
            self.progress = n.trim().parse().unwrap_or(self.progress);
        } else if let Some(j) = l.strip_prefix("result ") {
            match serde_json::from_str(j) {
                Ok(v) => self.result = Some(v),
                Err(e) => self.chatter.push(format!("unparsable result {j:?}: {e}")),
            }
        } else if self.chatter.len() < 50 {
            self.chatter.push(l);
        }
    }

    /// Handles what the tool printed so far, waiting up to `timeout` for a line.
    fn pump(&mut self, timeout: Duration) {
        if self.eof {
            return;
        }
        match self.lines.recv_timeout(timeout) {
            Ok(l) => self.handle(l),
            Err(mpsc::RecvTimeoutError::Timeout) => return,
            Err(mpsc::RecvTimeoutError::Disconnected) => self.eof = true,
        }
        while let Ok(l) = self.lines.try_recv() {
            self.handle(l);
        }
    }

    fn failure(&mut self, why: &str) -> anyhow::Error {
        let _ = self.child.kill();
        let status = self.child.wait().map(|s| s.to_string()).unwrap_or_default();
        // Give the stderr reader a moment to finish after the exit.
        let deadline = Instant::now() + Duration::from_secs(1);
        let mut err = String::new();
        while Instant::now() < deadline {
            err = self.stderr.lock().unwrap().clone();
            if !err.is_empty() {
                break;
            }
            thread::sleep(Duration::from_millis(20));
        }
        let mut msg = format!("{} {why} ({status})", self.what);
        if !err.trim().is_empty() {
            msg.push_str(&format!(": {}", err.trim()));
        }
        if !self.chatter.is_empty() {
            msg.push_str(&format!("\noutput: {}", self.chatter.join("\n")));
        }
        anyhow::anyhow!(msg)
    }

    /// Waits until the tool says `ready`.
    pub fn wait_ready(&mut self, timeout: Duration) -> Result<()> {
        let start = Instant::now();
        while !self.ready {
            if self.eof {
                return Err(self.failure("exited before it was ready"));
            }
            let Some(left) = timeout.checked_sub(start.elapsed()) else {
                return Err(self.failure(&format!(
                    "was not ready within {:.0} s",
                    timeout.as_secs_f64()
                )));
            };
            self.pump(left);
        }
        Ok(())
    }

    /// The tool's last reported progress.
    pub fn progress(&mut self) -> u64 {
        self.pump(Duration::ZERO);
        self.progress
    }

    /// Waits until progress reaches `n`.
    pub fn wait_progress(&mut self, n: u64, timeout: Duration) -> Result<u64> {
        let start = Instant::now();
        while self.progress < n {
            if self.eof {
                return Err(self.failure(&format!(
                    "ended at progress {} before reaching {n}",
                    self.progress
                )));
            }
            let Some(left) = timeout.checked_sub(start.elapsed()) else {
                return Err(self.failure(&format!(
                    "reached only {} of {n} within {:.0} s",
                    self.progress,
                    timeout.as_secs_f64()
                )));
            };
            self.pump(left);
        }
        Ok(self.progress)
    }

    /// Waits up to `timeout` for the tool to exit; its result, or why it failed.
    pub fn finish(mut self, timeout: Duration) -> Result<serde_json::Value> {
        let start = Instant::now();
        while !self.eof {
            let Some(left) = timeout.checked_sub(start.elapsed()) else {
                return Err(self.failure(&format!(
                    "did not finish within {:.0} s (progress {})",
                    timeout.as_secs_f64(),
                    self.progress
                )));
            };
            self.pump(left);
        }
        loop {
            match self.child.try_wait()? {
                Some(st) if st.success() => break,
                Some(st) => return Err(self.failure(&format!("failed: {st}"))),
                None if start.elapsed() > timeout => {
                    return Err(self.failure("closed its output but did not exit"))
                }
                None => thread::sleep(Duration::from_millis(20)),
            }
        }
        match self.result.take() {
            Some(v) => Ok(v),
            None => Err(self.failure("exited without a result")),
        }
    }

    /// Whether the tool is still running (has not closed its output nor
    /// exited).
    pub fn running(&mut self) -> bool {
        self.pump(Duration::ZERO);
        !self.eof && matches!(self.child.try_wait(), Ok(None))
    }

    /// Stops the tool (background traffic).
    pub fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Helper {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// `re1000-guest tool` argument lists.
pub mod args {
    use crate::traffic::UdpFlow;

    pub fn tcp_send(
        connect: &str,
        bytes: u64,
        seed: u64,
        rate: Option<u64>,
        idle: u64,
        retrans_limit: Option<u64>,
    ) -> Vec<String> {
        let mut v = vec![
            "tcp-send".into(),
            "--connect".into(),
            connect.into(),
            "--bytes".into(),
            bytes.to_string(),
            "--seed".into(),
            seed.to_string(),
            "--idle".into(),
            idle.to_string(),
        ];
        if let Some(r) = rate {
            v.extend(["--rate".into(), r.to_string()]);
        }
        if let Some(l) = retrans_limit {
            v.extend(["--retrans-limit".into(), l.to_string()]);
        }
        v
    }

    pub fn tcp_recv(listen: &str, idle: u64) -> Vec<String> {
        vec![
            "tcp-recv".into(),
            "--listen".into(),
            listen.into(),
            "--idle".into(),
            idle.to_string(),
        ]
    }

    fn flow(v: &mut Vec<String>, f: &UdpFlow) {
        v.extend([
            "--tag".into(),
            f.tag.to_string(),
            "--count".into(),
            f.count.to_string(),
            "--min".into(),
            f.min.to_string(),
            "--max".into(),
            f.max.to_string(),
        ]);
    }

    pub fn udp_send(connect: &str, f: &UdpFlow, pps: Option<u32>, lenient: bool) -> Vec<String> {
        let mut v = vec!["udp-send".into(), "--connect".into(), connect.into()];
        flow(&mut v, f);
        if let Some(p) = pps {
            v.extend(["--pps".into(), p.to_string()]);
        }
        if lenient {
            v.push("--lenient".into());
        }
        v
    }

    pub fn rr_server(listen: &str) -> Vec<String> {
        vec!["rr-server".into(), "--listen".into(), listen.into()]
    }

    pub fn udp_recv(listen: &str, f: &UdpFlow, idle: u64) -> Vec<String> {
        let mut v = vec!["udp-recv".into(), "--listen".into(), listen.into()];
        flow(&mut v, f);
        v.extend(["--idle".into(), idle.to_string()]);
        v
    }
}
