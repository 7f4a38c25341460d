// SPDX-License-Identifier: GPL-2.0
//! The extra QEMU arguments that build the test topology (see [`crate::topology`]).

use std::path::{Path, PathBuf};

use crate::topology::{Nic, DUT, MONITOR_PORT, PEER};

/// Host-side unix sockets of the monitor relay.
#[derive(Debug, Clone)]
pub struct MonitorSockets {
    /// QEMU's human monitor (`-mon chardev=mon0,mode=readline`).
    pub monitor: PathBuf,
    /// The host end of the guest's `re1000.monitor` virtio-serial port.
    pub guest_port: PathBuf,
}

/// Everything that varies between runs.
#[derive(Debug, Clone)]
pub struct Options<'a> {
    /// QEMU device model of both NICs (`e1000`, `e1000-82544gc`, ...).
    pub model: &'a str,
    /// Capture the dut's wire into this pcap file (`filter-dump`).
    pub pcap: Option<&'a Path>,
    /// Reach the monitor from inside the guest.
    pub monitor: Option<&'a MonitorSockets>,
    /// Host directories exported read-write over 9p, in order (mount tags
    /// from [`rwdir_tag`]); see [`crate::shell::guest_command`].
    pub rwdirs: &'a [PathBuf],
}

/// The 9p mount tag of the `index`th rwdir.
pub fn rwdir_tag(index: usize) -> String {
    format!("re1000rw{index}")
}

/// A path as a QEMU option value (a literal comma is written twice).
fn optval(p: &Path) -> String {
    p.display().to_string().replace(',', ",,")
}

fn nic_args(model: &str, nic: &Nic) -> [String; 4] {
    [
        "-netdev".into(),
        format!("hubport,id={},hubid=0", nic.netdev_id),
        "-device".into(),
        format!(
            "{model},netdev={},id={},mac={},romfile=,addr={:#x}",
            nic.netdev_id, nic.qdev_id, nic.mac, nic.pci_slot
        ),
    ]
}

/// The QEMU arguments, one word each (quote them before handing them to a shell).
pub fn args(opts: &Options<'_>) -> Vec<String> {
    let mut a: Vec<String> = Vec::new();
    a.extend(nic_args(opts.model, &DUT));
    a.extend(nic_args(opts.model, &PEER));
    if let Some(pcap) = opts.pcap {
        a.push("-object".into());
        a.push(format!(
            "filter-dump,id=d0,netdev={},file={}",
            DUT.netdev_id,
            optval(pcap)
        ));
    }
    if let Some(m) = opts.monitor {
        a.extend([
            "-chardev".into(),
            format!(
                "socket,id=mon0,path={},server=on,wait=off",
                optval(&m.monitor)
            ),
            "-mon".into(),
            "chardev=mon0,mode=readline".into(),
            "-device".into(),
            "virtio-serial-pci,id=re1000ser".into(),
            "-chardev".into(),
            format!(
                "socket,id=gmon,path={},server=on,wait=off",
                optval(&m.guest_port)
            ),
            "-device".into(),
            format!("virtserialport,bus=re1000ser.0,chardev=gmon,name={MONITOR_PORT}"),
        ]);
    }
    // After the NICs, so these never take their slots.
    for (i, dir) in opts.rwdirs.iter().enumerate() {
        let tag = rwdir_tag(i);
        a.extend([
            "-fsdev".into(),
            format!(
                "local,id={tag},path={},security_model=none,multidevs=remap",
                optval(dir)
            ),
            "-device".into(),
            format!("virtio-9p-pci,fsdev={tag},mount_tag={tag}"),
        ]);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topology_args() {
        let a = args(&Options {
            model: "e1000",
            pcap: Some(Path::new("/tmp/x.pcap")),
            monitor: None,
            rwdirs: &[],
        })
        .join(" ");
        assert_eq!(
            a,
            "-netdev hubport,id=p0,hubid=0 \
             -device e1000,netdev=p0,id=nic0,mac=52:54:00:00:00:01,romfile=,addr=0x9 \
             -netdev hubport,id=p1,hubid=0 \
             -device e1000,netdev=p1,id=nic1,mac=52:54:00:00:00:02,romfile=,addr=0xa \
             -object filter-dump,id=d0,netdev=p0,file=/tmp/x.pcap"
        );
    }

    #[test]
    fn monitor_args() {
        let m = MonitorSockets {
            monitor: "/r/mon.sock".into(),
            guest_port: "/r/gmon.sock".into(),
        };
        let a = args(&Options {
            model: "e1000-82545em",
            pcap: None,
            monitor: Some(&m),
            rwdirs: &["/tmp/a,b".into()],
        })
        .join(" ");
        assert!(a.contains("-chardev socket,id=mon0,path=/r/mon.sock,server=on,wait=off"));
        assert!(
            a.contains("-device virtserialport,bus=re1000ser.0,chardev=gmon,name=re1000.monitor")
        );
        assert!(a.contains("-device e1000-82545em,netdev=p1,"));
        assert!(a.ends_with(
            "-fsdev local,id=re1000rw0,path=/tmp/a,,b,security_model=none,multidevs=remap \
             -device virtio-9p-pci,fsdev=re1000rw0,mount_tag=re1000rw0"
        ));
    }
}
