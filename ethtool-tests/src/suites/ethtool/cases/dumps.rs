// SPDX-License-Identifier: GPL-2.0
//! `-d`, `-e` and `-E`.

use anyhow::{ensure, Context};

use super::dut::{all_equal, pair, refused, Dut};
use super::{cli, expect};
use crate::bar::{self, reg};
use crate::suites::{CaseResult, Ctx};
use crate::DUT;

/// `-d`: the C layout (32 words, version 1 | revision | device id) with
/// the values the registers hold (read through BAR 0), and the CLI's raw
/// dump equal to the ioctl's.
pub(crate) fn regs(ctx: &mut Ctx<'_>) -> CaseResult {
    let d = Dut::open(ctx)?;
    let r = d.io().regs(d.if_())?;
    let raw = cli::run_raw(&["-d", d.if_(), "raw", "on"])?;
    let w = r.words();
    let (rx, tx) = d.rings()?;
    let version = 1 << 24 | u32::from(d.revision) << 16 | u32::from(d.device);
    ensure!(
        r.data.len() == expect::REGS_BYTES as usize,
        "{} bytes",
        r.data.len()
    );
    let b = |o| d.bar.read(o);
    let mut checks = vec![
        pair(
            "version",
            format!("{:#x}", r.version),
            format!("{version:#x}"),
        ),
        pair("word 0 CTRL", w[0], b(reg::CTRL)),
        pair("word 1 STATUS", w[1], b(reg::STATUS)),
        pair("word 2 RCTL", w[2], b(reg::RCTL)),
        pair("word 3 RDLEN", w[3], rx * 16),
        pair("word 6 RDTR", w[6], b(reg::RDTR)),
        pair("word 7 TCTL", w[7], b(reg::TCTL)),
        pair("word 8 TDLEN", w[8], tx * 16),
        pair("word 11 TIDV", w[11], b(reg::TIDV)),
        pair(
            "word 26 MANC",
            w[26],
            if d.mac.dumps_manc() { b(reg::MANC) } else { 0 },
        ),
        pair("STATUS.LU", w[1] & bar::STATUS_LU != 0, true),
        // e1000_get_regs: PHY type 0 (M88), and the PHY words it repeats.
        pair("word 12 PHY type", w[12], 0),
        pair("word 18 = word 13 (M88 status)", w[18], w[13]),
        pair("word 23 = word 13 (M88 status)", w[23], w[13]),
        pair("word 20 = word 17 (M88 control)", w[20], w[17]),
        pair("word 25 = word 24 (1000BASE-T status)", w[25], w[24]),
        pair(
            "words 14, 15, 16, 19 (IGP only)",
            format!("{:?}", [w[14], w[15], w[16], w[19]]),
            "[0, 0, 0, 0]",
        ),
    ];
    for (i, name, count) in [
        (4, "RDH", rx),
        (5, "RDT", rx),
        (9, "TDH", tx),
        (10, "TDT", tx),
    ] {
        checks.push(pair(
            &format!("word {i} {name} < ring size"),
            w[i] < count,
            true,
        ));
    }
    // The CLI's raw dump: ring pointers move, the rest must match.
    ensure!(
        raw.len() == r.data.len(),
        "`ethtool -d raw on`: {} bytes",
        raw.len()
    );
    for (i, c) in raw.chunks_exact(4).enumerate() {
        if ![4, 5, 9, 10].contains(&i) {
            let v = u32::from_ne_bytes([c[0], c[1], c[2], c[3]]);
            checks.push(pair(&format!("ethtool -d word {i}"), v, w[i]));
        }
    }
    all_equal("register dump", &checks)?;
    Ok(())
}

/// `-e`: 128 bytes, words 0..2 the MAC, checksum 0xBABA, magic = PCI ids;
/// partial reads agree with the full one and with the CLI; reads past the
/// end are refused.
pub(crate) fn eeprom(ctx: &mut Ctx<'_>) -> CaseResult {
    let d = Dut::open(ctx)?;
    ensure!(
        d.io().eeprom_len(d.if_())? == expect::EEPROM_BYTES,
        "eedump_len is not {}",
        expect::EEPROM_BYTES
    );
    let e = d.io().eeprom(d.if_(), 0, expect::EEPROM_BYTES)?;
    ensure!(
        e.magic == d.magic(),
        "magic {:#x}, expected {:#x} (vendor | device << 16)",
        e.magic,
        d.magic()
    );
    let mac = crate::packet::parse_mac(DUT.mac)?;
    ensure!(
        e.data.len() == expect::EEPROM_BYTES as usize && e.data[..6] == mac,
        "EEPROM words 0..2 {:02x?}, expected the MAC {}",
        &e.data[..6.min(e.data.len())],
        DUT.mac
    );
    let sum = e.words().iter().fold(0u16, |a, w| a.wrapping_add(*w));
    ensure!(
        sum == expect::EEPROM_SUM,
        "EEPROM words sum to {sum:#06x}, expected {:#06x}",
        expect::EEPROM_SUM
    );
    let raw = cli::run_raw(&["-e", d.if_(), "raw", "on"])?;
    ensure!(
        raw == e.data,
        "`ethtool -e raw on` differs from the ioctl's dump"
    );
    let part = cli::run_raw(&["-e", d.if_(), "offset", "6", "length", "10", "raw", "on"])?;
    ensure!(
        part == e.data[6..16],
        "`ethtool -e offset 6 length 10` differs"
    );
    for (off, len) in [(6u32, 10u32), (1, 3), (127, 1)] {
        let p = d.io().eeprom(d.if_(), off, len)?;
        let want = &e.data[off as usize..(off + len) as usize];
        ensure!(
            p.data == want,
            "EEPROM read at {off} length {len}: {:02x?}, expected {want:02x?}",
            p.data
        );
    }
    let before = d.state()?;
    for (off, len) in [(120u32, 16u32), (128, 1), (0, 0), (200, 2)] {
        refused(
            &format!("EEPROM read at {off} length {len}"),
            d.io().eeprom(d.if_(), off, len),
            libc::EINVAL,
            None,
        )?;
    }
    d.unchanged(&before, "refused EEPROM reads")?;
    Ok(())
}

/// `-E`: a wrong magic is EFAULT; a write QEMU ignores is EIO for re1000
/// (verified by read-back) while the C driver does not verify; writing
/// what is already there succeeds; nothing changes in any case.
pub(crate) fn eeprom_write(ctx: &mut Ctx<'_>) -> CaseResult {
    let d = Dut::open(ctx)?;
    let before = d.state()?;
    let data = before.eeprom.clone();
    // Word 0x30 (byte 0x60): boot agent configuration, not read by the driver.
    let off = 0x60u32;
    let cur = [data[0x60], data[0x61]];
    let new = [cur[0] ^ 0xa5, cur[1] ^ 0x5a];
    refused(
        "write with a wrong magic",
        d.io().eeprom_set(d.if_(), d.magic() ^ 1, off, &new),
        libc::EFAULT,
        None,
    )?;
    d.unchanged(&before, "a write with a wrong magic")?;
    refused(
        "write past the end",
        d.io()
            .eeprom_set(d.if_(), d.magic(), expect::EEPROM_BYTES - 1, &new),
        libc::EINVAL,
        None,
    )?;
    d.unchanged(&before, "a write past the end")?;
    d.io()
        .eeprom_set(d.if_(), d.magic(), off, &cur)
        .context("writing the bytes already there")?;
    d.unchanged(&before, "writing the bytes already there")?;
    let r = d.io().eeprom_set(d.if_(), d.magic(), off, &new);
    if d.reference {
        ctx.info(&format!(
            "C e1000: changing write returned {} (no read-back); QEMU kept the old contents",
            match &r {
                Ok(()) => "success".to_owned(),
                Err(e) => e.to_string(),
            }
        ));
    } else {
        refused("a write QEMU ignores", r, libc::EIO, None)?;
    }
    d.unchanged(&before, "a write QEMU ignores")?;
    let out = cli::refused(&[
        "-E",
        d.if_(),
        "magic",
        &format!("{:#x}", d.magic() ^ 1),
        "offset",
        "0x60",
        "value",
        "0x12",
    ])?;
    ensure!(
        out.contains("Bad address"),
        "`ethtool -E` with a wrong magic said {out:?}"
    );
    d.unchanged(&before, "`ethtool -E` with a wrong magic")?;
    Ok(())
}
