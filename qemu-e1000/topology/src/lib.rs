// SPDX-License-Identifier: GPL-2.0
//! The guest's test topology. The runner puts these values on QEMU's command
//! line and the in-guest tests expect them; they are test inputs, not
//! something a driver computes.
//!
//! ```text
//!   guest PCI 0000:00:09.0  -device MODEL,id=nic0,mac=52:54:00:00:00:01  "dut"
//!        |                  -netdev hubport,id=p0,hubid=0
//!     QEMU hub 0
//!        |                  -netdev hubport,id=p1,hubid=0
//!   guest PCI 0000:00:0a.0  -device MODEL,id=nic1,mac=52:54:00:00:00:02  "peer"
//! ```

/// The device under test: QEMU device id, netdev id, MAC, PCI slot.
pub const DUT: Nic = Nic {
    qdev_id: "nic0",
    netdev_id: "p0",
    mac: "52:54:00:00:00:01",
    pci_slot: 0x9,
    pci_addr: "0000:00:09.0",
};

/// The peer NIC on the same hub, moved into network namespace `peer` by the tests.
pub const PEER: Nic = Nic {
    qdev_id: "nic1",
    netdev_id: "p1",
    mac: "52:54:00:00:00:02",
    pci_slot: 0xa,
    pci_addr: "0000:00:0a.0",
};

/// Name of the virtio-serial port that reaches QEMU's human monitor from the
/// guest (`/dev/virtio-ports/re1000.monitor`).
pub const MONITOR_PORT: &str = "re1000.monitor";

/// The QEMU device models the runner accepts (all 8086:100x, INTx only).
pub const MODELS: &[&str] = &["e1000", "e1000-82544gc", "e1000-82545em"];

/// One emulated NIC of the topology.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Nic {
    /// `-device ...,id=` (what HMP `set_link` takes).
    pub qdev_id: &'static str,
    /// `-netdev hubport,id=` (what `filter-dump` attaches to).
    pub netdev_id: &'static str,
    /// `-device ...,mac=`.
    pub mac: &'static str,
    /// `-device ...,addr=` on PCI bus 0.
    pub pci_slot: u8,
    /// The address the guest sees.
    pub pci_addr: &'static str,
}
