// SPDX-License-Identifier: GPL-2.0

//! `ethtool_ops`: what `ethtool` can ask and set, as the C e1000's e1000_ethtool.c.

use kernel::{
    io::Io,
    prelude::*,
    sync::atomic::Relaxed, //
};

use crate::{
    adapter::Adapter,
    hw::phy::Advertise,
    logic::itr::{
        self,
        ItrError, //
    },
    logic::{
        eeprom,
        ethtool_stats::{
            Source,
            Sw,
            NAMES,
            STATS, //
        },
        hwstats::counter,
        ring::{
            self,
            RingSizeError, //
        },
    },
    net::{
        ethtool::{
            link_mode,
            DrvInfo,
            ExtAck,
            LinkSettings,
            MacStats,
            Operations,
            PauseParam,
            RingParam,
            RmonStats, //
        },
        netdev::NetDev, //
    },
    regs::{
        self,
        phy, //
    },
    DRIVER_VERSION, //
};
use crate::{
    link_config::{
        self,
        FlowControl, //
    },
    link_modes::SUPPORTED_SPEEDS,
    ring_sizes::Sizes,
};

/// `ETHTOOL_COALESCE_RX_USECS`.
const COALESCE_RX_USECS: u32 = 1 << 0;
/// RMON histogram buckets: the PRC64..PRC1522 / PTC64..PTC1522 counters (SDM 13.7).
const RMON_RANGES: [(u16, u16); 6] = [
    (0, 64),
    (65, 127),
    (128, 255),
    (256, 511),
    (512, 1023),
    (1024, 1522),
];
/// The counters of each RMON_RANGES bucket, received and transmitted (a const item,
/// so an unknown name stops the build).
const RMON_RX: [usize; 6] = [
    counter!("PRC64"),
    counter!("PRC127"),
    counter!("PRC255"),
    counter!("PRC511"),
    counter!("PRC1023"),
    counter!("PRC1522"),
];
const RMON_TX: [usize; 6] = [
    counter!("PTC64"),
    counter!("PTC127"),
    counter!("PTC255"),
    counter!("PTC511"),
    counter!("PTC1023"),
    counter!("PTC1522"),
];

/// The hardware counter `$name` of `$this`, looked up at build time.
macro_rules! hw {
    ($this:expr, $name:literal) => {
        $this.hw_stats.get(counter!($name))
    };
}

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
    const TEST_NAMES: &'static [&'static str] = &crate::selftest::NAMES;
    const RMON_RANGES: &'static [(u16, u16)] = &RMON_RANGES;
    const SUPPORTED_COALESCE_PARAMS: u32 = COALESCE_RX_USECS;
    const REGS_LEN: usize = REGS_WORDS;
    const EEPROM_LEN: usize = EEPROM_BYTES;

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

    fn get_regs(this: Pin<&Self>, _dev: &NetDev, out: &mut [u32]) -> u32 {
        let bar = &this.hw.bar;
        // A PHY that does not answer leaves its words 0 in the dump, as in C, but says so.
        let phy = |reg: u8| match this.hw.read_phy(reg) {
            Ok(v) => u32::from(v),
            Err(e) => {
                dev_warn!(
                    this.pdev,
                    "register dump: PHY register {:#x}: {:?}\n",
                    reg,
                    e
                );
                0
            }
        };
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

    fn set_eeprom(this: Pin<&Self>, _dev: &NetDev, offset: usize, data: &[u8]) -> Result {
        let old = this.hw.read_eeprom()?;
        let new = eeprom::apply_write(&old, offset, data).ok_or(EINVAL)?;
        let first = old.iter().zip(&new).position(|(a, b)| a != b);
        let last = old.iter().zip(&new).rposition(|(a, b)| a != b);
        let (Some(first), Some(last)) = (first, last) else {
            return Ok(());
        };
        let start = u16::try_from(first).map_err(|_| EINVAL)?;
        this.hw.write_eeprom_words(start, &new[first..=last])?;
        // Verify: QEMU, for one, accepts the commands but ignores EEPROM writes.
        if this.hw.read_eeprom()? != new {
            dev_err!(
                this.pdev,
                "EEPROM write not verified: the device kept its old contents{}\n",
                if this.hw.emulated {
                    " (QEMU ignores EEPROM writes)"
                } else {
                    ""
                }
            );
            return Err(EIO);
        }
        Ok(())
    }

    fn get_ringparam(this: Pin<&Self>, _dev: &NetDev) -> RingParam {
        RingParam {
            rx_max: ring::MAX_DESCRIPTORS,
            tx_max: ring::MAX_DESCRIPTORS,
            rx: this.ring_sizes.get().rx,
            tx: this.ring_sizes.get().tx,
        }
    }

    fn set_ringparam(
        this: Pin<&Self>,
        dev: &NetDev,
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
        let new = Sizes {
            rx: check(rx)?,
            tx: check(tx)?,
        };
        let old = this.ring_sizes.swap(new);
        if !this.is_running() || old == new {
            return Ok(());
        }
        // Running: reallocate now (ethtool holds RTNL). reinit allocates the new rings
        // before it stops anything, and that is all that can fail: the interface then
        // runs on, on its old rings, and the old sizes are put back.
        if let Err(e) = this.reinit(dev) {
            this.ring_sizes.set(old);
            extack.set_message(c"could not allocate the new rings; kept the old ones");
            return Err(e);
        }
        Ok(())
    }

    fn get_msglevel(this: Pin<&Self>) -> u32 {
        this.msg_level()
    }

    fn set_msglevel(this: Pin<&Self>, level: u32) {
        this.set_msg_level(level);
    }

    fn nway_reset(this: Pin<&Self>, _dev: &NetDev) -> Result {
        if !this.is_running() {
            return Err(EAGAIN);
        }
        this.hw.restart_autoneg()
    }

    fn get_pauseparam(this: Pin<&Self>, _dev: &NetDev) -> PauseParam {
        let fc = this.link_config.get().fc;
        PauseParam {
            autoneg: fc.autoneg,
            rx: fc.rx,
            tx: fc.tx,
        }
    }

    fn set_pauseparam(this: Pin<&Self>, _dev: &NetDev, pause: &PauseParam) -> Result {
        let mut config = this.link_config.get();
        if pause.autoneg && !config.autoneg {
            // Pause autonegotiation needs link autonegotiation (as the C driver).
            return Err(EINVAL);
        }
        config.fc = FlowControl {
            autoneg: pause.autoneg,
            rx: pause.rx,
            tx: pause.tx,
        };
        this.link_config.set(config);
        if this.is_running() {
            this.hw.set_flow_control(pause.rx, pause.tx);
        }
        Ok(())
    }

    fn get_pause_stats(this: Pin<&Self>, _dev: &NetDev) -> (u64, u64) {
        this.update_hw_stats();
        let h = &this.hw_stats;
        (
            h.get(counter!("XONTXC")) + h.get(counter!("XOFFTXC")),
            h.get(counter!("XONRXC")) + h.get(counter!("XOFFRXC")),
        )
    }

    fn get_eth_mac_stats(this: Pin<&Self>, _dev: &NetDev, m: &mut MacStats) {
        this.update_hw_stats();
        m.frames_transmitted_ok = hw!(this, "GPTC");
        m.single_collision_frames = hw!(this, "SCC");
        m.multiple_collision_frames = hw!(this, "MCC");
        m.frames_received_ok = hw!(this, "GPRC");
        m.frame_check_sequence_errors = hw!(this, "CRCERRS");
        m.alignment_errors = hw!(this, "ALGNERRC");
        m.octets_transmitted_ok = hw!(this, "GOTC");
        m.frames_with_deferred_xmissions = hw!(this, "DC");
        m.late_collisions = hw!(this, "LATECOL");
        m.frames_aborted_due_to_xs_colls = hw!(this, "ECOL");
        m.carrier_sense_errors = hw!(this, "TNCRS");
        m.octets_received_ok = hw!(this, "GORC");
        m.multicast_frames_xmitted_ok = hw!(this, "MPTC");
        m.broadcast_frames_xmitted_ok = hw!(this, "BPTC");
        m.multicast_frames_received_ok = hw!(this, "MPRC");
        m.broadcast_frames_received_ok = hw!(this, "BPRC");
        m.in_range_length_errors = hw!(this, "RLEC");
        m.frame_too_long_errors = hw!(this, "ROC");
    }

    fn get_eth_ctrl_stats(this: Pin<&Self>, _dev: &NetDev) -> (u64, u64, u64) {
        this.update_hw_stats();
        // The MAC counts sent and received PAUSE (MAC control) frames as XON/XOFF.
        (
            hw!(this, "XONTXC") + hw!(this, "XOFFTXC"),
            hw!(this, "XONRXC") + hw!(this, "XOFFRXC"),
            hw!(this, "FCRUC"),
        )
    }

    fn get_rmon_stats(this: Pin<&Self>, _dev: &NetDev, r: &mut RmonStats) {
        this.update_hw_stats();
        r.undersize_pkts = hw!(this, "RUC");
        r.oversize_pkts = hw!(this, "ROC");
        r.fragments = hw!(this, "RFC");
        r.jabbers = hw!(this, "RJC");
        for (i, (rx, tx)) in RMON_RX.iter().zip(RMON_TX).enumerate() {
            if let (Some(a), Some(b)) = (r.hist.get_mut(i), r.hist_tx.get_mut(i)) {
                *a = this.hw_stats.get(*rx);
                *b = this.hw_stats.get(tx);
            }
        }
    }

    fn get_link_ksettings(this: Pin<&Self>, dev: &NetDev) -> Result<LinkSettings> {
        let link = this.hw.link_status();
        let up = dev.carrier_ok() && link.up;
        let config = this.link_config.get();
        let mut advertising = config.advertising | link_mode::TP;
        if config.autoneg {
            advertising |= link_mode::AUTONEG;
        }
        if config.fc.any() {
            advertising |= link_mode::PAUSE;
        }
        Ok(LinkSettings {
            speed: if up { link.speed_mbps } else { u32::MAX },
            full_duplex: up.then_some(link.full_duplex),
            autoneg: config.autoneg,
            supported: SUPPORTED_SPEEDS | link_mode::AUTONEG | link_mode::TP | link_mode::PAUSE,
            advertising,
            phy_address: crate::regs::phy::ADDRESS,
        })
    }

    fn set_link_ksettings(this: Pin<&Self>, _dev: &NetDev, s: &LinkSettings) -> Result {
        let config = this.link_config.get();
        if s.autoneg {
            let speeds = s.advertising & SUPPORTED_SPEEDS;
            if speeds == 0 {
                return Err(EINVAL);
            }
            this.hw.autoneg_advertise(&Advertise {
                half_10: speeds & link_mode::T10_HALF != 0,
                full_10: speeds & link_mode::T10_FULL != 0,
                half_100: speeds & link_mode::T100_HALF != 0,
                full_100: speeds & link_mode::T100_FULL != 0,
                full_1000: speeds & link_mode::T1000_FULL != 0,
                pause: config.fc.any(),
            })?;
            this.link_config.set(link_config::Config {
                autoneg: true,
                advertising: speeds,
                ..config
            });
            return Ok(());
        }
        // Forced: 10 or 100 Mb/s only; gigabit copper requires autonegotiation
        // (IEEE 802.3 40.5.1; the C driver refuses it too).
        let full = s.full_duplex.ok_or(EINVAL)?;
        let speed_100 = match s.speed {
            10 => false,
            100 => true,
            _ => return Err(EINVAL),
        };
        this.hw.force_speed_duplex(speed_100, full)?;
        this.link_config.set(link_config::Config {
            autoneg: false,
            ..config
        });
        Ok(())
    }

    fn get_rx_usecs(this: Pin<&Self>, _dev: &NetDev) -> Result<u32> {
        Ok(itr::to_usecs(this.itr.get()))
    }

    fn set_rx_usecs(this: Pin<&Self>, _dev: &NetDev, usecs: u32, extack: &mut ExtAck) -> Result {
        let new = itr::from_usecs(usecs).map_err(|e| {
            extack.set_message(match e {
                ItrError::ReservedMode => c"rx-usecs 2 is not a valid mode (0, 1, 3, 4)",
                ItrError::OutOfRange => c"rx-usecs must be 0-4 or 10-10000",
            });
            EINVAL
        })?;
        this.itr.set(new);
        this.hw.set_itr(itr::register_value(new));
        Ok(())
    }

    fn get_wol(_this: Pin<&Self>, _dev: &NetDev) -> (u32, u32) {
        // Linux 7.3's Rust PCI driver has no suspend/resume hooks to arm wake-up with,
        // so no wake-up event is offered.
        (0, 0)
    }

    fn set_wol(_this: Pin<&Self>, _dev: &NetDev, wolopts: u32) -> Result {
        if wolopts == 0 {
            Ok(())
        } else {
            Err(EOPNOTSUPP)
        }
    }

    fn set_phys_id(this: Pin<&Self>, _dev: &NetDev, on: Option<bool>) -> Result {
        match on {
            Some(on) => {
                if on {
                    this.identify.save_once(|| this.hw.led_state());
                }
                this.hw.set_led(on);
            }
            None => {
                if let Some(saved) = this.identify.take() {
                    this.hw.restore_led(saved);
                }
            }
        }
        Ok(())
    }

    fn self_test(this: Pin<&Self>, dev: &NetDev, offline: bool, results: &mut [u64]) -> bool {
        this.run_self_test(dev, offline, results)
    }
}
