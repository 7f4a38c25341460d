// SPDX-License-Identifier: GPL-2.0
//! Installing the out-of-tree module the way an operator would
//! (`/lib/modules/$(uname -r)/extra` + `depmod -a`), and module helpers.
//!
//! virtme-ng shows the guest `/lib/modules/$(uname -r)` as a symlink to a
//! read-only directory of symlinks into the kernel build tree. We copy that
//! directory to /tmp (keeping its entries as symlinks, made absolute) and
//! bind-mount the copy over it, so `extra/` and `depmod -a` have somewhere
//! to write.

use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::cmd;

const STAGE: &str = "/tmp/re1000-modules";
const MARKER: &str = ".re1000-writable";

/// `uname -r`.
pub fn kernel_release() -> Result<String> {
    crate::sysfs::read("/proc/sys/kernel/osrelease")
}

/// `/lib/modules/$(uname -r)`.
pub fn module_dir() -> Result<PathBuf> {
    Ok(Path::new("/lib/modules").join(kernel_release()?))
}

/// Copies `src` to `dst`; symlinks stay symlinks, relative ones made absolute
/// so they still resolve from the new place.
fn copy_tree(src: &Path, dst: &Path) -> Result<()> {
    fs::create_dir_all(dst).with_context(|| format!("creating {}", dst.display()))?;
    for ent in fs::read_dir(src).with_context(|| format!("listing {}", src.display()))? {
        let ent = ent?;
        let (from, to) = (ent.path(), dst.join(ent.file_name()));
        let ty = ent.file_type()?;
        if ty.is_symlink() {
            let target = fs::read_link(&from)?;
            let target = if target.is_absolute() {
                target
            } else {
                src.join(target)
            };
            symlink(&target, &to).with_context(|| format!("symlinking {}", to.display()))?;
        } else if ty.is_dir() {
            copy_tree(&from, &to)?;
        } else {
            fs::copy(&from, &to).with_context(|| format!("copying {}", from.display()))?;
        }
    }
    Ok(())
}

/// Makes `/lib/modules/$(uname -r)` writable (once per boot).
pub fn make_module_dir_writable() -> Result<PathBuf> {
    let live = module_dir()?;
    if live.join(MARKER).exists() {
        return Ok(live);
    }
    let real = fs::canonicalize(&live).with_context(|| format!("resolving {}", live.display()))?;
    let stage = Path::new(STAGE).join(kernel_release()?);
    let _ = fs::remove_dir_all(&stage);
    copy_tree(&real, &stage)?;
    fs::write(stage.join(MARKER), "")?;
    let (real_s, stage_s) = (real.to_string_lossy(), stage.to_string_lossy());
    cmd::run("mount", ["--bind", &*stage_s, &*real_s])?;
    if !live.join(MARKER).exists() {
        bail!("bind mount of {stage_s} over {real_s} did not take effect");
    }
    Ok(live)
}

/// Installs `ko` as `extra/<name>.ko` and runs `depmod -a`.
pub fn install(ko: &Path) -> Result<()> {
    if !ko.is_file() {
        bail!("module {} does not exist (build it first)", ko.display());
    }
    let dir = make_module_dir_writable()?;
    let extra = dir.join("extra");
    fs::create_dir_all(&extra)?;
    let name = ko.file_name().context("module path has no file name")?;
    fs::copy(ko, extra.join(name)).with_context(|| format!("copying {}", ko.display()))?;
    cmd::run("depmod", ["-a"])?;
    Ok(())
}

/// Whether a module is loaded.
pub fn is_loaded(name: &str) -> bool {
    Path::new("/sys/module").join(name).join("refcnt").exists()
}

/// `modprobe NAME`.
pub fn modprobe(name: &str) -> Result<()> {
    cmd::run("modprobe", [name]).map(drop)
}

/// `rmmod NAME`.
pub fn rmmod(name: &str) -> Result<()> {
    cmd::run("rmmod", [name]).map(drop)
}

/// `modprobe -R ALIAS`: the modules an alias resolves to.
pub fn resolve_alias(alias: &str) -> Result<Vec<String>> {
    let out = cmd::run("modprobe", ["-R", alias])?;
    Ok(out
        .lines()
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect())
}
