// SPDX-License-Identifier: GPL-2.0
//! Finds virtme-ng and builds its command line.

use std::env;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use re1000_vm::shell;

/// Where `qemu-e1000/setup-host.sh` installs virtme-ng (`$VNG_VENV` there).
fn default_venv_bin() -> Option<PathBuf> {
    let cache = env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|h| Path::new(&h).join(".cache")))?;
    Some(cache.join("re1000/vng-venv/bin"))
}

/// `$VNG`, else `vng` on `$PATH`, else the project's venv.
pub fn find() -> Result<PathBuf> {
    if let Some(v) = env::var_os("VNG") {
        let p = PathBuf::from(v);
        if !p.is_file() {
            bail!("$VNG={} is not a file", p.display());
        }
        return Ok(p);
    }
    let path = env::var_os("PATH").unwrap_or_default();
    let dirs = env::split_paths(&path).chain(default_venv_bin());
    for dir in dirs {
        let cand = dir.join("vng");
        if cand.is_file() {
            return Ok(cand);
        }
    }
    bail!("vng not found: put virtme-ng's bin/ on PATH or set VNG (qemu-e1000/setup-host.sh installs it)")
}

/// `$PATH` with vng's own directory first: vng runs `virtme-run` through PATH.
pub fn child_path(vng: &Path) -> Result<OsString> {
    let dir = vng.parent().context("vng path has no parent")?;
    let old = env::var_os("PATH").unwrap_or_default();
    let dirs = std::iter::once(dir.to_path_buf()).chain(env::split_paths(&old));
    env::join_paths(dirs).context("joining PATH")
}

/// What one run needs from virtme-ng.
pub struct Invocation<'a> {
    pub kdir: &'a Path,
    pub cpus: u32,
    pub memory: &'a str,
    pub kernel_args: &'a [String],
    pub qemu_args: &'a [String],
    /// Shell command line the guest runs.
    pub guest_shell: &'a str,
}

/// vng's arguments. vng hands `--qemu-opts` to `/bin/sh` unquoted, so the
/// QEMU words are shell-quoted here; `--exec` is quoted by vng itself and
/// run by a shell in the guest.
pub fn args(inv: &Invocation<'_>) -> Vec<OsString> {
    let mut a: Vec<OsString> = vec![
        "--run".into(),
        inv.kdir.into(),
        // /dev/kvm exists on these hosts but KVM cannot run: QEMU aborts if vng picks it.
        "--disable-kvm".into(),
        "--cpus".into(),
        inv.cpus.to_string().into(),
        "--memory".into(),
        inv.memory.into(),
        // Sends the guest kernel's console to vng's stderr.
        "--verbose".into(),
        // This QEMU's virtiofsd (the C one) rejects vng's options; vng then
        // spends 3 s retrying before it falls back to 9p anyway.
        "--force-9p".into(),
    ];
    for k in inv.kernel_args {
        a.push(format!("--append={k}").into());
    }
    a.push(format!("--qemu-opts={}", shell::join(inv.qemu_args)).into());
    a.push("--exec".into());
    a.push(inv.guest_shell.into());
    a
}
