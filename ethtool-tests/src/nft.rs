// SPDX-License-Identifier: GPL-2.0
//! nftables tables with named counters, loaded with `nft -f -` (in a network
//! namespace through `ip netns exec`) and read back with `nft -j`.
//!
//! The kernel's netfilter counts what the stack saw independently of the
//! driver's statistics: a netdev `ingress` hook sees every frame the driver
//! passed up (`skb->len` without the Ethernet header), `egress` every frame
//! handed to the driver (`skb->len` with it).

use std::io::Write;
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

use crate::cmd;

/// Packets and bytes of a counter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Count {
    pub packets: u64,
    pub bytes: u64,
}

/// A table that is deleted when dropped.
#[derive(Debug)]
pub struct Table {
    netns: Option<String>,
    family: String,
    name: String,
}

fn nft_cmd(netns: Option<&str>) -> Command {
    match netns {
        Some(ns) => {
            let mut c = Command::new("ip");
            c.args(["netns", "exec", ns, "nft"]);
            c
        }
        None => Command::new("nft"),
    }
}

fn nft(netns: Option<&str>, args: &[&str]) -> Result<String> {
    match netns {
        Some(ns) => cmd::run("ip", ["netns", "exec", ns, "nft"].iter().chain(args)),
        None => cmd::run("nft", args),
    }
}

impl Table {
    /// Loads `table FAMILY NAME { BODY }` (replacing a table of that name).
    /// `body` holds counter and chain declarations, one statement a line.
    pub fn create(netns: Option<&str>, family: &str, name: &str, body: &str) -> Result<Self> {
        // Declaring then deleting makes the load idempotent.
        let text = format!(
            "table {family} {name} {{\n}}\ndelete table {family} {name}\ntable {family} {name} {{\n{body}\n}}\n"
        );
        let mut child = nft_cmd(netns)
            .args(["-f", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("running nft")?;
        child
            .stdin
            .take()
            .context("nft stdin")?
            .write_all(text.as_bytes())?;
        let out = child.wait_with_output()?;
        if !out.status.success() {
            bail!(
                "nft -f failed ({}): {}\nruleset:\n{text}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        Ok(Self {
            netns: netns.map(str::to_owned),
            family: family.to_owned(),
            name: name.to_owned(),
        })
    }

    /// A named counter's value.
    pub fn counter(&self, counter: &str) -> Result<Count> {
        let out = nft(
            self.netns.as_deref(),
            &["-j", "list", "counter", &self.family, &self.name, counter],
        )?;
        parse_counter(&out, counter)
    }

    /// Deletes the table now.
    pub fn delete(self) -> Result<()> {
        let r = nft(
            self.netns.as_deref(),
            &["delete", "table", &self.family, &self.name],
        );
        std::mem::forget(self);
        r.map(drop)
    }
}

impl Drop for Table {
    fn drop(&mut self) {
        let _ = nft(
            self.netns.as_deref(),
            &["delete", "table", &self.family, &self.name],
        );
    }
}

/// Finds counter `name` in `nft -j list counter ...` output.
pub fn parse_counter(json: &str, name: &str) -> Result<Count> {
    let v: serde_json::Value =
        serde_json::from_str(json).with_context(|| format!("parsing nft JSON {json:?}"))?;
    let items = v["nftables"]
        .as_array()
        .context("no `nftables` array in nft JSON")?;
    for it in items {
        let c = &it["counter"];
        if c["name"].as_str() == Some(name) {
            return Ok(Count {
                packets: c["packets"].as_u64().context("counter without packets")?,
                bytes: c["bytes"].as_u64().context("counter without bytes")?,
            });
        }
    }
    bail!("no counter {name:?} in {json:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_counter() {
        let j = r#"{"nftables": [{"metainfo": {"version": "1.0.6", "json_schema_version": 1}},
            {"counter": {"family": "netdev", "name": "eo", "table": "e", "handle": 2,
             "packets": 2, "bytes": 2084}}]}"#;
        assert_eq!(
            parse_counter(j, "eo").unwrap(),
            Count {
                packets: 2,
                bytes: 2084
            }
        );
        assert!(parse_counter(j, "x").is_err());
    }
}
