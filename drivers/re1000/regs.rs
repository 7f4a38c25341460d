// SPDX-License-Identifier: GPL-2.0

//! 8254x registers used by re1000, named as in the Intel 8254x Software Developer's
//! Manual (SDM, doc 317453) section 13. See `firmware-notes/registers.md`.
//!
//! QEMU implements only aligned 32-bit accesses, so every register is `u32`.

use kernel::{
    io::register,
    num::Bounded, //
};

/// Size of BAR0, the memory-mapped register space (SDM 13.1).
pub(crate) const BAR0_SIZE: usize = 0x2_0000;

register! {
    /// Device Control (SDM 13.4.1).
    pub(crate) CTRL(u32) @ 0x0000 {
        /// PHY reset.
        31:31 phy_rst => bool;
        /// VLAN mode enable.
        30:30 vme => bool;
        /// Transmit flow control enable (send PAUSE frames).
        28:28 tfce => bool;
        /// Receive flow control enable (honour PAUSE frames).
        27:27 rfce => bool;
        /// Software-definable pin 0 direction (output): drives the LED on the 82544.
        22:22 swdpio0 => bool;
        /// Software-definable pin 0 value.
        18:18 swdpin0 => bool;
        /// Device reset; self-clearing.
        26:26 rst => bool;
        /// Set link up: lets the MAC use the link the PHY reports.
        6:6 slu => bool;
        /// Auto-speed detection enable.
        5:5 asde => bool;
        /// Full duplex.
        0:0 fd => bool;
    }

    /// Device Status (SDM 13.4.2), read-only.
    pub(crate) STATUS(u32) @ 0x0008 {
        /// Link speed.
        7:6 speed => LinkSpeed;
        /// Transmission paused by flow control.
        4:4 txoff => bool;
        /// Link up.
        1:1 lu => bool;
        /// Full duplex.
        0:0 fd => bool;
    }

    /// EEPROM/Flash Control (SDM 13.4.3): bit-banged Microwire access (82544).
    pub(crate) EECD(u32) @ 0x0010 {
        /// EEPROM present.
        8:8 pres => bool;
        /// Data out from the EEPROM.
        3:3 dout => bool;
        /// Data in to the EEPROM.
        2:2 din => bool;
        /// Chip select.
        1:1 cs => bool;
        /// Clock.
        0:0 sk => bool;
    }

    /// EEPROM Read (SDM 13.4.4), 82540 and later.
    pub(crate) EERD(u32) @ 0x0014 {
        /// Word read.
        31:16 data;
        /// Word address.
        15:8 addr;
        /// Read done.
        4:4 done => bool;
        /// Start read.
        0:0 start => bool;
    }

    /// MDI Control (SDM 13.4.7): access to the PHY's registers.
    pub(crate) MDIC(u32) @ 0x0020 {
        /// Error: the PHY did not answer.
        30:30 error => bool;
        /// Ready: the access completed.
        28:28 ready => bool;
        /// Opcode: 01 write, 10 read.
        27:26 op;
        /// PHY address (1 on these parts).
        25:21 phyadd;
        /// PHY register.
        20:16 regadd;
        /// Data read or to write.
        15:0 data;
    }

    /// Flow Control Address Low/High and Type (SDM 13.4.8-10): what a PAUSE frame is.
    pub(crate) FCAL(u32) @ 0x0028 {
        31:0 addr;
    }
    pub(crate) FCAH(u32) @ 0x002C {
        15:0 addr;
    }
    pub(crate) FCT(u32) @ 0x0030 {
        15:0 ethertype;
    }
    /// Flow Control Transmit Timer Value (SDM 13.4.14): pause time we send.
    pub(crate) FCTTV(u32) @ 0x0170 {
        15:0 time;
    }

    /// LED Control (SDM 13.4.11), 82540 and later.
    pub(crate) LEDCTL(u32) @ 0x0E00 {
        /// LED0 mode: 0xE on, 0xF off.
        3:0 led0_mode;
    }

    /// Management Control (SDM 13.8.5), dumped by `ethtool -d`.
    pub(crate) MANC(u32) @ 0x5820 {
        31:0 value;
    }

    /// Extended Device Control (SDM 13.4.6).
    pub(crate) CTRL_EXT(u32) @ 0x0018 {
        /// EEPROM reset: reloads the EEPROM settings (82544).
        13:13 ee_rst => bool;
    }

    /// Interrupt Cause Read (SDM 13.4.17): clears on read. Bit values in [`irq_cause`].
    pub(crate) ICR(u32) @ 0x00C0 {
        31:0 causes;
    }

    /// Interrupt Throttling (SDM 13.4.18): minimum gap between interrupts, 256 ns units.
    pub(crate) ITR(u32) @ 0x00C4 {
        15:0 interval;
    }

    /// Interrupt Cause Set (SDM 13.4.19): write 1s to raise causes.
    pub(crate) ICS(u32) @ 0x00C8 {
        31:0 causes;
    }

    /// Interrupt Mask Set/Read (SDM 13.4.20): write 1s to unmask.
    pub(crate) IMS(u32) @ 0x00D0 {
        31:0 causes;
    }

    /// Interrupt Mask Clear (SDM 13.4.21): write 1s to mask.
    pub(crate) IMC(u32) @ 0x00D8 {
        31:0 causes;
    }

    /// Receive Control (SDM 13.4.22).
    pub(crate) RCTL(u32) @ 0x0100 {
        /// Strip the Ethernet CRC from received frames.
        26:26 secrc => bool;
        /// Buffer size extension (x16).
        25:25 bsex => bool;
        /// Broadcast accept mode.
        15:15 bam => bool;
        /// Multicast offset: which address bits index the MTA.
        13:12 mo;
        /// Descriptor minimum threshold (RXDMT0) as a fraction of the ring.
        9:8 rdmts;
        /// Long packet enable (frames over 1522 bytes).
        5:5 lpe => bool;
        /// Multicast promiscuous.
        4:4 mpe => bool;
        /// Unicast promiscuous.
        3:3 upe => bool;
        /// Receiver enable.
        1:1 en => bool;
    }

    /// Receive Descriptor Base Address Low/High (SDM 13.4.25-26).
    pub(crate) RDBAL(u32) @ 0x2800 {
        31:0 addr;
    }
    pub(crate) RDBAH(u32) @ 0x2804 {
        31:0 addr;
    }
    /// Receive Descriptor Length in bytes, a multiple of 128 (SDM 13.4.27).
    pub(crate) RDLEN(u32) @ 0x2808 {
        19:0 len;
    }
    /// Receive Descriptor Head (SDM 13.4.28).
    pub(crate) RDH(u32) @ 0x2810 {
        15:0 index;
    }
    /// Receive Descriptor Tail (SDM 13.4.29): first descriptor software still owns.
    pub(crate) RDT(u32) @ 0x2818 {
        15:0 index;
    }
    /// Receive Delay Timer (SDM 13.4.30), 1.024 us units.
    pub(crate) RDTR(u32) @ 0x2820 {
        15:0 delay;
    }
    /// Receive Interrupt Absolute Delay (SDM 13.4.31), 82540+.
    pub(crate) RADV(u32) @ 0x282C {
        15:0 delay;
    }

    /// Transmit Control (SDM 13.4.33).
    pub(crate) TCTL(u32) @ 0x0400 {
        /// Re-transmit on late collision.
        24:24 rtlc => bool;
        /// Collision distance.
        21:12 cold;
        /// Collision threshold.
        11:4 ct;
        /// Pad short packets.
        3:3 psp => bool;
        /// Transmitter enable.
        1:1 en => bool;
    }

    /// Transmit Inter-Packet Gap (SDM 13.4.34).
    pub(crate) TIPG(u32) @ 0x0410 {
        29:20 ipgr2;
        19:10 ipgr1;
        9:0 ipgt;
    }

    /// Transmit Descriptor Base Address Low/High (SDM 13.4.38-39).
    pub(crate) TDBAL(u32) @ 0x3800 {
        31:0 addr;
    }
    pub(crate) TDBAH(u32) @ 0x3804 {
        31:0 addr;
    }
    /// Transmit Descriptor Length in bytes (SDM 13.4.40).
    pub(crate) TDLEN(u32) @ 0x3808 {
        19:0 len;
    }
    /// Transmit Descriptor Head (SDM 13.4.41).
    pub(crate) TDH(u32) @ 0x3810 {
        15:0 index;
    }
    /// Transmit Descriptor Tail (SDM 13.4.42): where software adds descriptors.
    pub(crate) TDT(u32) @ 0x3818 {
        15:0 index;
    }
    /// Transmit Interrupt Delay Value (SDM 13.4.43), 1.024 us units.
    pub(crate) TIDV(u32) @ 0x3820 {
        15:0 delay;
    }
    /// Transmit Absolute Interrupt Delay (SDM 13.4.44), 82540+.
    pub(crate) TADV(u32) @ 0x382C {
        15:0 delay;
    }

    /// Multicast Table Array (SDM 13.4.61): 4096-bit hash filter.
    pub(crate) MTA(u32)[128] @ 0x5200 {
        31:0 bits;
    }

    /// Missed Packets Count (SDM 13.7.4): frames dropped for lack of FIFO/buffers.
    pub(crate) MPC(u32) @ 0x4010 {
        31:0 count;
    }
    /// Receive No Buffers Count (SDM 13.7.32).
    pub(crate) RNBC(u32) @ 0x40A0 {
        31:0 count;
    }

    /// Receive Address Low (SDM 13.4.62): MAC bytes 0..4 of filter entry n.
    pub(crate) RAL(u32)[16, stride = 8] @ 0x5400 {
        31:0 addr_lo;
    }

    /// Receive Address High (SDM 13.4.63): MAC bytes 4..6 and Address Valid.
    pub(crate) RAH(u32)[16, stride = 8] @ 0x5404 {
        /// Address valid.
        31:31 av => bool;
        15:0 addr_hi;
    }
}

/// Interrupt cause bits, shared by ICR, ICS, IMS and IMC (SDM table 13-70).
pub(crate) mod irq_cause {
    /// Transmit descriptor written back.
    pub(crate) const TXDW: u32 = 1 << 0;
    /// Link status change.
    pub(crate) const LSC: u32 = 1 << 2;
    /// Receive sequence error.
    pub(crate) const RXSEQ: u32 = 1 << 3;
    /// Receive descriptors below the minimum threshold.
    pub(crate) const RXDMT0: u32 = 1 << 4;
    /// Receive timer: frames arrived.
    pub(crate) const RXT0: u32 = 1 << 7;
    /// What the driver unmasks while the interface is up (the C driver's
    /// IMS_ENABLE_MASK).
    pub(crate) const ENABLED: u32 = RXT0 | TXDW | RXDMT0 | RXSEQ | LSC;
}

/// STATUS.SPEED: the speed the MAC runs the link at (SDM 13.4.2: 00 = 10, 01 = 100,
/// 10 and 11 = 1000 Mb/s).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LinkSpeed {
    Mbps10,
    Mbps100,
    Mbps1000,
}

impl LinkSpeed {
    /// The speed in Mb/s.
    pub(crate) const fn mbps(self) -> u32 {
        match self {
            Self::Mbps10 => 10,
            Self::Mbps100 => 100,
            Self::Mbps1000 => 1000,
        }
    }
}

impl From<Bounded<u32, 2>> for LinkSpeed {
    fn from(field: Bounded<u32, 2>) -> Self {
        match field.get() {
            0b00 => Self::Mbps10,
            0b01 => Self::Mbps100,
            _ => Self::Mbps1000,
        }
    }
}

impl From<LinkSpeed> for Bounded<u32, 2> {
    fn from(speed: LinkSpeed) -> Self {
        match speed {
            LinkSpeed::Mbps10 => Bounded::<u32, 2>::new::<0b00>(),
            LinkSpeed::Mbps100 => Bounded::<u32, 2>::new::<0b01>(),
            LinkSpeed::Mbps1000 => Bounded::<u32, 2>::new::<0b10>(),
        }
    }
}

#[kernel::macros::kunit_tests(re1000_regs)]
mod tests {
    use super::*;

    /// QEMU's STATUS value with the link up at 1000 full (0x80080783, `e1000_reset`
    /// in hw/net/e1000.c): the typed fields decode it.
    #[test]
    fn qemu_status_decodes_to_1000_full() {
        let status = STATUS::from_raw(0x8008_0783);
        assert!(status.lu());
        assert!(status.fd());
        assert!(!status.txoff());
        assert_eq!(status.speed(), LinkSpeed::Mbps1000);
        assert_eq!(status.speed().mbps(), 1000);
    }

    /// Every SPEED encoding, including the second one for 1000.
    #[test]
    fn every_speed_encoding() {
        let speed = |raw: u32| STATUS::from_raw(raw << 6).speed().mbps();
        assert_eq!(speed(0b00), 10);
        assert_eq!(speed(0b01), 100);
        assert_eq!(speed(0b10), 1000);
        assert_eq!(speed(0b11), 1000);
    }

    /// The MDIC fields sit where SDM 13.4.7 puts them.
    #[test]
    fn mdic_read_request_layout() {
        let mdic = MDIC::from_raw(0)
            .with_op(Bounded::<u32, 2>::new::<0b10>())
            .with_phyadd(Bounded::<u32, 5>::new::<1>())
            .with_regadd(Bounded::<u32, 5>::new::<0x11>());
        assert_eq!(mdic.into_raw(), 0x0831_0000);
        let done = MDIC::from_raw(0x1000_1234);
        assert!(done.ready() && !done.error());
        assert_eq!(done.data().get(), 0x1234);
    }
}

/// PHY registers (IEEE 802.3 clause 22 and Marvell M88E1011 specific; SDM 13.5,
/// Linux e1000_hw.h).
pub(crate) mod phy {
    /// The PHY's MDIO address on 8254x copper parts.
    pub(crate) const ADDRESS: u8 = 1;
    /// Control: bit 12 autoneg enable, bit 9 restart autoneg, bit 14 loopback.
    pub(crate) const CTRL: u8 = 0x00;
    pub(crate) const CTRL_AUTONEG_ENABLE: u16 = 1 << 12;
    pub(crate) const CTRL_RESTART_AUTONEG: u16 = 1 << 9;
    /// Control bits for a forced speed and duplex (speed select LSB, full duplex).
    pub(crate) const CTRL_SPEED_100: u16 = 1 << 13;
    pub(crate) const CTRL_FULL_DUPLEX: u16 = 1 << 8;
    /// Control bits 14 (loopback), 6 (speed select MSB: 1000) and 8 (full duplex):
    /// loopback at 1000 Mb/s full duplex (`e1000_phy_loopback` writes 0x4140).
    pub(crate) const CTRL_LOOPBACK_1000_FULL: u16 = 1 << 14 | 1 << 6 | CTRL_FULL_DUPLEX;
    /// Autonegotiation advertisement: 10H bit 5, 10F bit 6, 100H bit 7, 100F bit 8,
    /// PAUSE bit 10.
    pub(crate) const AUTONEG_ADV: u8 = 0x04;
    /// Advertisement bits in registers 4 and 9 for each link mode (IEEE 802.3
    /// 28.2.4.1.3, 40.5.1.1).
    pub(crate) const ADV_10_HALF: u16 = 1 << 5;
    pub(crate) const ADV_10_FULL: u16 = 1 << 6;
    pub(crate) const ADV_100_HALF: u16 = 1 << 7;
    pub(crate) const ADV_100_FULL: u16 = 1 << 8;
    pub(crate) const ADV_PAUSE: u16 = 1 << 10;
    pub(crate) const ADV_1000_FULL: u16 = 1 << 9;
    /// 1000BASE-T control: advertise 1000 full in bit 9.
    pub(crate) const CTRL_1000T: u8 = 0x09;
    /// 1000BASE-T status (local/remote receiver status).
    pub(crate) const STATUS_1000T: u8 = 0x0A;
    /// M88 PHY specific control.
    pub(crate) const M88_SPEC_CTRL: u8 = 0x10;
    /// M88 PHY specific status (cable length, polarity, MDI-X).
    pub(crate) const M88_SPEC_STATUS: u8 = 0x11;

    const _: () = assert!(CTRL_LOOPBACK_1000_FULL == 0x4140);
}
