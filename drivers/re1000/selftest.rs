// SPDX-License-Identifier: GPL-2.0

//! `ethtool -t`: the C e1000's five self-tests (e1000_ethtool.c `e1000_diag_test`).
//! Offline tests stop the interface's data path, test, then restore it.

use kernel::{
    io::{
        register::{
            Register,
            RegisterArray, //
        },
        Io,
    },
    prelude::*,
    time::{
        delay::fsleep,
        Delta, //
    },
};

use crate::{
    adapter::Adapter,
    logic::eeprom,
    net::{
        bh,
        irq::IrqLine,
        netdev::{
            NetDev,
            Operations, //
        },
        skb::SkBuff,
    },
    regs::{
        self,
        irq_cause,
        phy, //
    },
    ring::tx::{
        TxError,
        TxPlan, //
    },
};

/// A loopback test frame with its transmit plan (no offload).
fn loopback_frame(netdev: &NetDev, frame: &[u8]) -> Result<(SkBuff, TxPlan)> {
    let mut skb = SkBuff::alloc(netdev, LOOPBACK_LEN as u32)?;
    skb.put_slice(frame)?;
    let plan = TxPlan::for_skb(&mut skb)?;
    Ok((skb, plan))
}

/// Test names, in result order, as the C driver's `e1000_gstrings_test`.
pub(crate) const NAMES: [&str; 5] = [
    "Register test  (offline)",
    "Eeprom test    (offline)",
    "Interrupt test (offline)",
    "Loopback test  (offline)",
    "Link test   (on/offline)",
];

/// Patterns written to each register in the register test.
const PATTERNS: [u32; 4] = [0x5A5A_5A5A, 0xA5A5_A5A5, 0x0000_0000, 0xFFFF_FFFF];
/// Loopback frames and their size (as `e1000_run_loopback_test`).
const LOOPBACK_FRAMES: u32 = 64;
const LOOPBACK_LEN: usize = 1024;
/// The writable bits of RDLEN and TDLEN: 19:7, lengths in units of 128 bytes.
const DESC_RING_LEN_MASK: u32 = 0x000F_FF80;

impl Adapter<'_> {
    /// Writes patterns to read/write registers and reads them back under each
    /// register's writable mask. Returns the offset of the first failing register.
    fn register_test(&self) -> u64 {
        let bar = &self.hw.bar;
        let check = |offset: usize, mask: u32| -> bool {
            PATTERNS.iter().all(|p| {
                bar.try_write32(p & mask, offset).is_ok()
                    && bar.try_read32(offset).map(|v| v & mask) == Ok(p & mask)
            })
        };
        // RDBAH/TDBAH: all bits; RDLEN/TDLEN: bits 19:7, a multiple of 128 bytes
        // (SDM 13.4.27, 13.4.40).
        let singles = [
            (regs::RDBAH::OFFSET, u32::MAX),
            (regs::TDBAH::OFFSET, u32::MAX),
            (regs::RDLEN::OFFSET, DESC_RING_LEN_MASK),
            (regs::TDLEN::OFFSET, DESC_RING_LEN_MASK),
        ];
        for (offset, mask) in singles {
            if !check(offset, mask) {
                return offset as u64;
            }
        }
        // Every receive address (low words) and every multicast table word.
        let ral = (0..regs::RAL::SIZE).map(|i| regs::RAL::OFFSET + i * regs::RAL::STRIDE);
        let mta = (0..regs::MTA::SIZE).map(|i| regs::MTA::OFFSET + i * regs::MTA::STRIDE);
        for offset in Iterator::chain(ral, mta) {
            if !check(offset, u32::MAX) {
                return offset as u64;
            }
        }
        0
    }

    /// Reads the EEPROM and checks its checksum. 0 on success.
    fn eeprom_test(&self) -> u64 {
        match self.hw.read_eeprom() {
            Ok(words) => u64::from(eeprom::validate(&words).is_err()),
            Err(_) => 2,
        }
    }

    /// Raises each interrupt cause by ICS with only that cause unmasked and checks that
    /// the interrupt arrives. 0 on success, else the first cause that did not.
    fn interrupt_test(self: Pin<&Self>, dev: &NetDev) -> u64 {
        let Some(owned) = dev.owning(self) else {
            return 1;
        };
        self.irq_test.set_testing(true);
        if IrqLine::request(&owned, c"re1000-test").is_err() {
            self.irq_test.set_testing(false);
            return 1;
        }
        let mut result = 0;
        for cause in [
            irq_cause::TXDW,
            irq_cause::LSC,
            irq_cause::RXDMT0,
            irq_cause::RXT0,
        ] {
            self.irq_disable();
            let _ = self.hw.bar.read(regs::ICR);
            self.irq_test.clear();
            self.hw
                .bar
                .write_reg(regs::IMS::zeroed().with_causes(cause));
            self.hw
                .bar
                .write_reg(regs::ICS::zeroed().with_causes(cause));
            let mut seen = false;
            for _ in 0..100 {
                if self.irq_test.seen(cause) {
                    seen = true;
                    break;
                }
                fsleep(Delta::from_millis(1));
            }
            if !seen {
                result = u64::from(cause);
                break;
            }
        }
        self.irq_disable();
        self.irq.free();
        self.irq_test.set_testing(false);
        result
    }

    /// Queues up to `max` copies of `frame` on the transmit ring, as many as it has
    /// room for, and rings the doorbell. Returns how many were queued; `Err` if a
    /// frame could not be built or mapped.
    fn loopback_send(&self, netdev: &NetDev, frame: &[u8], max: u32) -> Result<u32> {
        let _bh = bh::disable();
        let mut guard = self.tx_queue.lock();
        let Some(ring) = (*guard).as_mut() else {
            return Err(ENODEV);
        };
        let mut queued = 0;
        let mut res = Ok(());
        while queued < max {
            let (skb, plan) = match loopback_frame(netdev, frame) {
                Ok(prepared) => prepared,
                Err(e) => {
                    res = Err(e);
                    break;
                }
            };
            match ring.queue(skb, plan) {
                Ok(_) => queued += 1,
                // Full for now: the rest goes once the device has sent these.
                Err(TxError::RingFull(_)) => break,
                Err(TxError::MappingFailed) => {
                    res = Err(ENOMEM);
                    break;
                }
            }
        }
        ring.doorbell().ring(&self.hw);
        res.map(|()| queued)
    }

    /// Sends frames through the PHY in loopback and checks each comes back intact.
    /// 0 on success, 1 if a frame could not be sent, 2 if frames were lost, 3 if one
    /// came back corrupted.
    fn loopback_test(&self, netdev: &NetDev) -> u64 {
        if self.up(netdev).is_err() {
            return 1;
        }
        if self.hw.emulated {
            // QEMU drops looped-back frames during its 1 s receive hold-off after an
            // RCTL write (firmware-notes/qemu-differences.md): let it pass first.
            fsleep(Delta::from_millis(1100));
        }
        // The PHY control word to restore afterwards; without it the test cannot run.
        let Ok(saved) = self.hw.read_phy(phy::CTRL) else {
            dev_err!(
                self.pdev,
                "loopback test: PHY control register unreadable\n"
            );
            self.down(netdev);
            return 1;
        };
        let mut result = 0;
        if self
            .hw
            .write_phy(phy::CTRL, phy::CTRL_LOOPBACK_1000_FULL)
            .is_err()
        {
            result = 1;
        }
        let mut frame = [0xFFu8; LOOPBACK_LEN];
        frame[LOOPBACK_LEN / 2..].fill(0xAA);
        frame[LOOPBACK_LEN / 2 + 10] = 0xBE;
        frame[LOOPBACK_LEN / 2 + 12] = 0xAF;
        // The frames go out as the ring has room: a ring smaller than the batch (the
        // C driver tests on rings of its own) is cleaned as the device sends, and the
        // receive ring is re-armed as frames come back.
        let (mut sent, mut received, mut corrupt) = (0, 0, 0);
        // QEMU holds received frames for a second after the RCTL write in `up`.
        for _ in 0..300 {
            if result == 0 && sent < LOOPBACK_FRAMES {
                match self.loopback_send(netdev, &frame, LOOPBACK_FRAMES - sent) {
                    Ok(n) => sent += n,
                    Err(_) => result = 1,
                }
            }
            {
                let _bh = bh::disable();
                let mut guard = self.tx_clean.lock();
                if let Some(ring) = (*guard).as_mut() {
                    ring.clean(0);
                }
            }
            let bh = bh::disable();
            let mut guard = self.rx_ring.lock();
            if let Some(ring) = (*guard).as_mut() {
                // Frames of another length are the peer's traffic, which the MAC
                // still receives in PHY loopback.
                ring.poll_raw(&self.hw, |data| {
                    if data.len() == LOOPBACK_LEN {
                        received += 1;
                        if data != frame {
                            corrupt += 1;
                        }
                    }
                });
            }
            drop(guard);
            drop(bh);
            if result != 0 || received >= LOOPBACK_FRAMES {
                break;
            }
            fsleep(Delta::from_millis(10));
        }
        if sent != LOOPBACK_FRAMES {
            result = 1;
        }
        if result == 0 && corrupt > 0 {
            result = 3;
        } else if result == 0 && received < sent {
            result = 2;
        }
        if self.hw.write_phy(phy::CTRL, saved).is_err() {
            dev_err!(
                self.pdev,
                "loopback test: PHY control register not restored\n"
            );
            result = result.max(1);
        }
        self.down(netdev);
        result
    }

    /// 0 if the MAC reports link.
    fn link_test(&self) -> u64 {
        u64::from(!self.hw.link_status().up)
    }

    /// Runs the tests; see [`crate::net::ethtool::Operations::self_test`].
    pub(crate) fn run_self_test(
        self: Pin<&Self>,
        dev: &NetDev,
        offline: bool,
        out: &mut [u64],
    ) -> bool {
        let mut results = [0u64; NAMES.len()];
        results[4] = self.link_test();
        if offline {
            let was_running = self.is_running();
            if was_running {
                if let Err(e) = <Self as Operations>::stop(self, dev) {
                    dev_err!(
                        self.pdev,
                        "{}: stop before self-test: {:?}\n",
                        dev.name(),
                        e
                    );
                }
            }
            self.hw.reset();
            results[0] = self.register_test();
            self.hw.reset();
            results[1] = self.eeprom_test();
            self.hw.reset();
            results[2] = self.interrupt_test(dev);
            self.hw.reset();
            results[3] = self.loopback_test(dev);
            self.hw.reset();
            self.restore_filters(dev);
            if was_running && <Self as Operations>::open(self, dev).is_err() {
                dev_err!(
                    self.pdev,
                    "{}: could not reopen after self-test\n",
                    dev.name()
                );
            }
        }
        for (o, r) in out.iter_mut().zip(results) {
            *o = r;
        }
        results.iter().any(|r| *r != 0)
    }
}
