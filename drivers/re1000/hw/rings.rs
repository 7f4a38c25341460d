// SPDX-License-Identifier: GPL-2.0

//! Programming the descriptor rings and the receive/transmit units (SDM 14.4, 14.5;
//! Linux `e1000_configure_tx`, `e1000_configure_rx`, `e1000_setup_rctl`).

use kernel::{
    io::{
        register::Array,
        Io, //
    },
    prelude::*, //
};

use super::{
    Hw,
    MacType, //
};
use crate::{
    logic::desc::RawDesc,
    net::dma::DescRing,
    regs::*, //
};

/// TIPG for copper parts: IPGT 8, IPGR1 8, IPGR2 6 (`DEFAULT_82543_TIPG_*`).
const TIPG_IPGT: u32 = 8;
const TIPG_IPGR1: u32 = 8;
const TIPG_IPGR2: u32 = 6;
/// Collision threshold and distance (`E1000_COLLISION_THRESHOLD`/`_DISTANCE`).
const COLLISION_THRESHOLD: u32 = 15;
const COLLISION_DISTANCE: u32 = 63;
/// Interrupt delays, as the C driver's defaults (TxIntDelay 8, TxAbsIntDelay 32,
/// RxIntDelay 0, RxAbsIntDelay 8), in 1.024 us units.
const TIDV_DELAY: u16 = 8;
const TADV_DELAY: u16 = 32;
const RADV_DELAY: u16 = 8;

impl Hw<'_> {
    /// Points the transmit unit at `ring` and enables it.
    pub(crate) fn configure_tx(&self, ring: &DescRing<RawDesc>) {
        let bar = &self.bar;
        let addr = ring.dma_address();
        bar.write_reg(TDBAL::from_raw(addr as u32));
        bar.write_reg(TDBAH::from_raw((addr >> 32) as u32));
        bar.write_reg(TDLEN::from_raw(ring.size_bytes()));
        bar.write_reg(TDH::zeroed());
        bar.write_reg(TDT::zeroed());
        bar.write_reg(
            TIPG::zeroed()
                .with_const_ipgt::<TIPG_IPGT>()
                .with_const_ipgr1::<TIPG_IPGR1>()
                .with_const_ipgr2::<TIPG_IPGR2>(),
        );
        bar.write_reg(TIDV::zeroed().with_delay(TIDV_DELAY));
        if self.mac_type != MacType::I82544 {
            bar.write_reg(TADV::zeroed().with_delay(TADV_DELAY));
        }
        bar.write_reg(
            TCTL::zeroed()
                .with_en(true)
                .with_psp(true)
                .with_const_ct::<COLLISION_THRESHOLD>()
                .with_const_cold::<COLLISION_DISTANCE>()
                .with_rtlc(true),
        );
    }

    /// Points the receive unit at `ring`, hands it descriptors up to `tail` and enables
    /// it with 2048-byte buffers, broadcast accepted and the CRC stripped.
    pub(crate) fn configure_rx(&self, ring: &DescRing<RawDesc>, tail: u32, itr: u32) {
        let bar = &self.bar;
        bar.write_reg(RCTL::zeroed());
        bar.write_reg(RDTR::zeroed());
        if self.mac_type != MacType::I82544 {
            bar.write_reg(RADV::zeroed().with_delay(RADV_DELAY));
        }
        self.set_itr(itr);
        let addr = ring.dma_address();
        bar.write_reg(RDBAL::from_raw(addr as u32));
        bar.write_reg(RDBAH::from_raw((addr >> 32) as u32));
        bar.write_reg(RDLEN::from_raw(ring.size_bytes()));
        bar.write_reg(RDH::zeroed());
        self.set_rx_tail(tail);
        bar.write_reg(self.rctl_base());
    }

    /// Writes the Interrupt Throttling Register (82540 and later; the 82544 has none).
    /// An interval beyond the 16-bit field saturates to the longest gap.
    pub(crate) fn set_itr(&self, interval: u32) {
        if self.mac_type != MacType::I82544 {
            let interval = u16::try_from(interval).unwrap_or(u16::MAX);
            self.bar.write_reg(ITR::zeroed().with_interval(interval));
        }
    }

    /// RCTL as the driver runs the receiver, before the filter mode bits.
    pub(crate) fn rctl_base(&self) -> RCTL {
        // BSIZE = 00 with BSEX = 0 selects 2048-byte buffers; RDMTS = 00 is half the ring.
        RCTL::zeroed().with_en(true).with_bam(true).with_secrc(true)
    }

    /// Hands RX descriptors up to `tail` (exclusive) to the device.
    pub(crate) fn set_rx_tail(&self, tail: u32) {
        self.bar.write_reg(RDT::zeroed().with_index(tail as u16));
    }

    /// Hands TX descriptors up to `tail` (exclusive) to the device.
    pub(crate) fn set_tx_tail(&self, tail: u32) {
        self.bar.write_reg(TDT::zeroed().with_index(tail as u16));
    }

    /// Writes the multicast hash filter.
    pub(crate) fn set_multicast_table(&self, mta: &[u32; crate::logic::filter::MTA_WORDS]) {
        for (i, word) in mta.iter().enumerate() {
            if let Some(loc) = MTA::try_at(i) {
                self.bar.write(loc, MTA::from_raw(*word));
            }
        }
    }

    /// Sets the unicast/multicast promiscuous bits, writing RCTL only on a change:
    /// QEMU stops receiving for a second after every RCTL write.
    pub(crate) fn set_filter_mode(&self, unicast_promisc: bool, multicast_promisc: bool) {
        let rctl = self.bar.read(RCTL);
        let new = rctl.with_upe(unicast_promisc).with_mpe(multicast_promisc);
        if new.into_raw() != rctl.into_raw() {
            self.bar.write_reg(new);
        }
    }
}
