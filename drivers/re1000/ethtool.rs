// SPDX-License-Identifier: GPL-2.0

//! `ethtool_ops`: what `ethtool` can ask and set, as the C e1000's e1000_ethtool.c.

use kernel::{
    io::Io,
    prelude::*,
    sync::atomic::Relaxed, //
};

use crate::{
    logic::{
        eeprom,
        ethtool_stats::{
            Source,
            Sw,
            NAMES,
            STATS, //
        },
        ring::{
            self,
            RingSizeError, //
        },
    },
    net::{
        ethtool::{
            DrvInfo,
            ExtAck,
            Operations,
            RingParam, //
        },
        netdev::NetDev, //
    },
    netdev::Adapter,
    regs::{
        self,
        phy, //
    },
    DRIVER_VERSION, //
};

/// EEPROM size in bytes (64 words).
pub(crate) const EEPROM_BYTES: usize = eeprom::WORDS * 2;
/// Register dump size in words and its layout version (`E1000_REGS_LEN`, C layout).
const REGS_WORDS: usize = 32;

impl Adapter<'_> {
    fn sw_counter(&self, sw: Sw) -> u64 {
        let s = &self.stats;
        match sw {
            Sw::TxDropped => s.tx_dropped.load(Relaxed),
            Sw::TxTimeoutCount => s.tx_timeout_count.load(Relaxed),
            Sw::TxRestartQueue => s.tx_restart_queue.load(Relaxed),
            Sw::AllocRxBuffFailed => s.alloc_rx_buff_failed.load(Relaxed),
            Sw::NapiPolls => s.napi_polls.load(Relaxed),
            Sw::RxCopybreak => s.rx_copybreak.load(Relaxed),
            Sw::RxDroppedLength => s.rx_length_errors.load(Relaxed),
            Sw::RxDroppedErrors => s.rx_errors.load(Relaxed),
        }
    }
}

fn ring_size_message(e: RingSizeError) -> &'static CStr {
    match e {
        RingSizeError::OutOfRange => c"ring size must be between 48 and 4096",
        RingSizeError::NotMultipleOf8 => c"ring size must be a multiple of 8",
    }
}

#[vtable]
impl Operations for Adapter<'_> {
    const STATS_NAMES: &'static [&'static str] = &NAMES;

    fn get_drvinfo(this: Pin<&Self>, _dev: &NetDev, info: &mut DrvInfo) {
        info.set_driver("re1000");
        info.set_version(DRIVER_VERSION);
        let device: &kernel::device::Device<kernel::device::Bound> = this.pdev.as_ref();
        info.set_bus_info(device.name().to_str().unwrap_or(""));
    }

    fn get_ethtool_stats(this: Pin<&Self>, _dev: &NetDev, data: &mut [u64]) {
        // As the C driver: read the registers now, so the values are current.
        this.update_hw_stats();
        let hw = &this.hw_stats;
        for (out, (_, source)) in data.iter_mut().zip(STATS.iter()) {
            *out = match *source {
                Source::Hw(i) => hw.get(i),
                Source::HwSum(a, b) => hw.get(a) + hw.get(b),
                Source::Sw(sw) => this.sw_counter(sw),
                Source::Zero => 0,
            };
        }
    }

    fn get_regs_len(_this: Pin<&Self>) -> usize {
        REGS_WORDS
    }

    fn get_regs(this: Pin<&Self>, _dev: &NetDev, out: &mut [u32]) -> u32 {
        let bar = &this.hw.bar;
        let phy = |reg| u32::from(this.hw.read_phy(reg).unwrap_or(0));
        let mut regs = [0u32; REGS_WORDS];
        regs[0] = bar.read(regs::CTRL).into_raw();
        regs[1] = bar.read(regs::STATUS).into_raw();
        regs[2] = bar.read(regs::RCTL).into_raw();
        regs[3] = bar.read(regs::RDLEN).into_raw();
        regs[4] = bar.read(regs::RDH).into_raw();
        regs[5] = bar.read(regs::RDT).into_raw();
        regs[6] = bar.read(regs::RDTR).into_raw();
        regs[7] = bar.read(regs::TCTL).into_raw();
        regs[8] = bar.read(regs::TDLEN).into_raw();
        regs[9] = bar.read(regs::TDH).into_raw();
        regs[10] = bar.read(regs::TDT).into_raw();
        regs[11] = bar.read(regs::TIDV).into_raw();
        // Word 12: PHY type, 0 = M88 (all supported parts).
        regs[13] = phy(phy::M88_SPEC_STATUS);
        regs[17] = phy(phy::M88_SPEC_CTRL);
        regs[18] = regs[13];
        regs[20] = regs[17];
        regs[23] = regs[13];
        regs[24] = phy(phy::STATUS_1000T);
        regs[25] = regs[24];
        if this.hw.mac_type != crate::hw::MacType::I82544 {
            regs[26] = bar.read(regs::MANC).into_raw();
        }
        for (o, r) in out.iter_mut().zip(regs) {
            *o = r;
        }
        // Layout version 1, PCI revision, device ID: what ethtool's e1000 decoder expects.
        (1 << 24) | (u32::from(this.pdev.revision_id()) << 16) | u32::from(this.pdev.device_id())
    }

    fn get_eeprom_len(_this: Pin<&Self>) -> usize {
        EEPROM_BYTES
    }

    fn eeprom_magic(this: Pin<&Self>) -> u32 {
        u32::from(this.pdev.vendor_id().as_raw()) | u32::from(this.pdev.device_id()) << 16
    }

    fn get_eeprom(this: Pin<&Self>, _dev: &NetDev, offset: usize, buf: &mut [u8]) -> Result {
        let words = this.hw.read_eeprom()?;
        let bytes = words.iter().flat_map(|w| w.to_le_bytes());
        for (dst, src) in buf.iter_mut().zip(bytes.skip(offset)) {
            *dst = src;
        }
        Ok(())
    }

    fn get_ringparam(this: Pin<&Self>, _dev: &NetDev) -> RingParam {
        RingParam {
            rx_max: ring::MAX_DESCRIPTORS,
            tx_max: ring::MAX_DESCRIPTORS,
            rx: this.rx_ring_size.load(Relaxed),
            tx: this.tx_ring_size.load(Relaxed),
        }
    }

    fn set_ringparam(
        this: Pin<&Self>,
        _dev: &NetDev,
        rx: u32,
        tx: u32,
        extack: &mut ExtAck,
    ) -> Result {
        let mut check = |n| {
            ring::check_size(n).map_err(|e| {
                extack.set_message(ring_size_message(e));
                EINVAL
            })
        };
        let (rx, tx) = (check(rx)?, check(tx)?);
        let old_rx = this.rx_ring_size.xchg(rx, Relaxed);
        let old_tx = this.tx_ring_size.xchg(tx, Relaxed);
        if !this.running.load(Relaxed) || (old_rx, old_tx) == (rx, tx) {
            return Ok(());
        }
        // Running: reallocate now (ethtool holds RTNL). If the new rings cannot be
        // allocated, go back to the old sizes so the interface keeps working.
        if let Err(e) = this.reinit() {
            this.rx_ring_size.store(old_rx, Relaxed);
            this.tx_ring_size.store(old_tx, Relaxed);
            extack.set_message(c"could not allocate the new rings; kept the old sizes");
            let _ = this.reinit();
            return Err(e);
        }
        Ok(())
    }

    fn get_msglevel(this: Pin<&Self>) -> u32 {
        this.msg_enable.load(Relaxed)
    }

    fn set_msglevel(this: Pin<&Self>, level: u32) {
        this.msg_enable.store(level, Relaxed);
    }

    fn nway_reset(this: Pin<&Self>, _dev: &NetDev) -> Result {
        if !this.running.load(Relaxed) {
            return Err(EAGAIN);
        }
        this.hw.restart_autoneg()
    }
}
