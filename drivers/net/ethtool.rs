// SPDX-License-Identifier: GPL-2.0

//! `ethtool_ops`: what `ethtool` asks a driver.
//!
//! C header: [`include/linux/ethtool.h`](srctree/include/linux/ethtool.h)

use core::marker::PhantomData;

use kernel::{
    error::{
        from_result,
        VTABLE_DEFAULT_ERROR, //
    },
    prelude::*,
};

use super::{
    bindings,
    device::NetDev, //
};

/// Driver identification for `ethtool -i` (`struct ethtool_drvinfo`).
#[repr(transparent)]
pub(crate) struct DrvInfo(bindings::ethtool_drvinfo);

/// Copies `src` into a fixed C string field, truncating and NUL-terminating it.
fn copy_c_string(dst: &mut [c_char], src: &str) {
    let Some(max) = dst.len().checked_sub(1) else {
        return;
    };
    let n = src.len().min(max);
    dst.fill(0);
    if let (Some(d), Some(s)) = (dst.get_mut(..n), src.as_bytes().get(..n)) {
        d.copy_from_slice(s);
    }
}

impl DrvInfo {
    /// Sets the driver name.
    pub(crate) fn set_driver(&mut self, name: &str) {
        copy_c_string(&mut self.0.driver, name);
    }

    /// Sets the driver version.
    pub(crate) fn set_version(&mut self, version: &str) {
        copy_c_string(&mut self.0.version, version);
    }

    /// Sets the bus address, e.g. `0000:00:09.0`.
    pub(crate) fn set_bus_info(&mut self, bus: &str) {
        copy_c_string(&mut self.0.bus_info, bus);
    }
}

/// Extended netlink ACK: where an ethtool netlink request's error message goes.
pub(crate) struct ExtAck(*mut bindings::netlink_ext_ack);

impl ExtAck {
    /// Attaches `msg` to the reply (`NL_SET_ERR_MSG`); a no-op for ioctl requests.
    pub(crate) fn set_message(&mut self, msg: &'static CStr) {
        if !self.0.is_null() {
            // SAFETY: A non-null extack is valid for the duration of the callback; the
            // message is static, as the field requires.
            unsafe { (*self.0)._msg = msg.as_char_ptr() }
        }
    }
}

/// Ring sizes for `ethtool -g`.
pub(crate) struct RingParam {
    pub(crate) rx_max: u32,
    pub(crate) tx_max: u32,
    pub(crate) rx: u32,
    pub(crate) tx: u32,
}

/// Flow control settings for `ethtool -a`.
pub(crate) struct PauseParam {
    pub(crate) autoneg: bool,
    pub(crate) rx: bool,
    pub(crate) tx: bool,
}

/// Link settings for `ethtool IF` / `-s` (`struct ethtool_link_ksettings`), with link
/// modes as bit masks of `ETHTOOL_LINK_MODE_*_BIT` (all below 64).
pub(crate) struct LinkSettings {
    /// Mb/s, or `u32::MAX` for unknown.
    pub(crate) speed: u32,
    /// Full duplex (`None`: unknown).
    pub(crate) full_duplex: Option<bool>,
    pub(crate) autoneg: bool,
    pub(crate) supported: u64,
    pub(crate) advertising: u64,
    pub(crate) phy_address: u8,
}

/// Link mode bits (uapi `enum ethtool_link_mode_bit_indices`).
pub(crate) mod link_mode {
    pub(crate) const T10_HALF: u64 = 1 << 0;
    pub(crate) const T10_FULL: u64 = 1 << 1;
    pub(crate) const T100_HALF: u64 = 1 << 2;
    pub(crate) const T100_FULL: u64 = 1 << 3;
    pub(crate) const T1000_FULL: u64 = 1 << 5;
    pub(crate) const AUTONEG: u64 = 1 << 6;
    pub(crate) const TP: u64 = 1 << 7;
    pub(crate) const PAUSE: u64 = 1 << 13;
}

/// IEEE 802.3 MAC counters for `ethtool -S --groups eth-mac`; `None` is "not
/// reported".
#[derive(Default)]
pub(crate) struct MacStats {
    pub(crate) frames_transmitted_ok: u64,
    pub(crate) single_collision_frames: u64,
    pub(crate) multiple_collision_frames: u64,
    pub(crate) frames_received_ok: u64,
    pub(crate) frame_check_sequence_errors: u64,
    pub(crate) alignment_errors: u64,
    pub(crate) octets_transmitted_ok: u64,
    pub(crate) frames_with_deferred_xmissions: u64,
    pub(crate) late_collisions: u64,
    pub(crate) frames_aborted_due_to_xs_colls: u64,
    pub(crate) carrier_sense_errors: u64,
    pub(crate) octets_received_ok: u64,
    pub(crate) multicast_frames_xmitted_ok: u64,
    pub(crate) broadcast_frames_xmitted_ok: u64,
    pub(crate) multicast_frames_received_ok: u64,
    pub(crate) broadcast_frames_received_ok: u64,
    pub(crate) in_range_length_errors: u64,
    pub(crate) frame_too_long_errors: u64,
}

/// RMON counters and the size histogram (`ethtool -S --groups rmon`).
#[derive(Default)]
pub(crate) struct RmonStats {
    pub(crate) undersize_pkts: u64,
    pub(crate) oversize_pkts: u64,
    pub(crate) fragments: u64,
    pub(crate) jabbers: u64,
    /// Received and transmitted frames per range of [`Operations::RMON_RANGES`].
    pub(crate) hist: [u64; 10],
    pub(crate) hist_tx: [u64; 10],
}

/// The ethtool operations a driver implements. `Self` is its net_device private data.
#[vtable]
pub(crate) trait Operations: Sized + Send + Sync {
    /// Names of `ethtool -S` counters, in order.
    const STATS_NAMES: &'static [&'static str] = &[];

    /// Names of the self-tests, in result order (`ethtool -t`).
    const TEST_NAMES: &'static [&'static str] = &[];

    /// Frame size ranges (low, high) of the RMON histogram, at most 10.
    const RMON_RANGES: &'static [(u16, u16)] = &[];

    /// Which `ethtool -C` parameters `set_coalesce` accepts (`ETHTOOL_COALESCE_*`).
    const SUPPORTED_COALESCE_PARAMS: u32 = 0;

    /// Size of the register dump in 32-bit words (`get_regs`): a constant, because the
    /// core sizes the buffer by one call and fills it by another.
    const REGS_LEN: usize = 0;

    /// EEPROM size in bytes (`get_eeprom`, `set_eeprom`).
    const EEPROM_LEN: usize = 0;

    /// Fills in `ethtool -i`.
    fn get_drvinfo(_this: Pin<&Self>, _dev: &NetDev, _info: &mut DrvInfo) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Fills `data` (one entry per [`Self::STATS_NAMES`]) for `ethtool -S`.
    fn get_ethtool_stats(_this: Pin<&Self>, _dev: &NetDev, _data: &mut [u64]) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Dumps registers for `ethtool -d`; returns the dump version.
    fn get_regs(_this: Pin<&Self>, _dev: &NetDev, _regs: &mut [u32]) -> u32 {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// The `magic` value `ethtool -E` must quote.
    fn eeprom_magic(_this: Pin<&Self>) -> u32 {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Reads EEPROM bytes `offset..offset + buf.len()` (already range-checked).
    fn get_eeprom(_this: Pin<&Self>, _dev: &NetDev, _offset: usize, _buf: &mut [u8]) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Writes EEPROM bytes at `offset` (range and magic already checked).
    fn set_eeprom(_this: Pin<&Self>, _dev: &NetDev, _offset: usize, _data: &[u8]) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Ring sizes for `ethtool -g`.
    fn get_ringparam(_this: Pin<&Self>, _dev: &NetDev) -> RingParam {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Changes ring sizes (`ethtool -G`); may reallocate the rings of a running device.
    fn set_ringparam(
        _this: Pin<&Self>,
        _dev: &NetDev,
        _rx: u32,
        _tx: u32,
        _extack: &mut ExtAck,
    ) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Message level (`ethtool -s msglvl`).
    fn get_msglevel(_this: Pin<&Self>) -> u32 {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Sets the message level.
    fn set_msglevel(_this: Pin<&Self>, _level: u32) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Restarts autonegotiation (`ethtool -r`).
    fn nway_reset(_this: Pin<&Self>, _dev: &NetDev) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Flow control settings (`ethtool -a`).
    fn get_pauseparam(_this: Pin<&Self>, _dev: &NetDev) -> PauseParam {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Changes flow control (`ethtool -A`).
    fn set_pauseparam(_this: Pin<&Self>, _dev: &NetDev, _pause: &PauseParam) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Pause frames sent and received (`ethtool -I -a`): (tx, rx).
    fn get_pause_stats(_this: Pin<&Self>, _dev: &NetDev) -> (u64, u64) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// IEEE 802.3 MAC counters.
    fn get_eth_mac_stats(_this: Pin<&Self>, _dev: &NetDev, _stats: &mut MacStats) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// MAC control frames: (transmitted, received, unsupported opcodes).
    fn get_eth_ctrl_stats(_this: Pin<&Self>, _dev: &NetDev) -> (u64, u64, u64) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// RMON counters.
    fn get_rmon_stats(_this: Pin<&Self>, _dev: &NetDev, _stats: &mut RmonStats) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Link settings (`ethtool IF`).
    fn get_link_ksettings(_this: Pin<&Self>, _dev: &NetDev) -> Result<LinkSettings> {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Changes link settings (`ethtool -s speed/duplex/autoneg/advertise`).
    fn set_link_ksettings(_this: Pin<&Self>, _dev: &NetDev, _s: &LinkSettings) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `rx-usecs` as `ethtool -c` shows it.
    fn get_rx_usecs(_this: Pin<&Self>, _dev: &NetDev) -> Result<u32> {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Sets `rx-usecs` (`ethtool -C`); the core already rejected unsupported fields.
    fn set_rx_usecs(_this: Pin<&Self>, _dev: &NetDev, _usecs: u32, _extack: &mut ExtAck) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Wake-on-LAN: (supported, enabled) `WAKE_*` masks.
    fn get_wol(_this: Pin<&Self>, _dev: &NetDev) -> (u32, u32) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Sets Wake-on-LAN (`ethtool -s wol`).
    fn set_wol(_this: Pin<&Self>, _dev: &NetDev, _wolopts: u32) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Runs the self-tests (`ethtool -t`), writing one result per [`Self::TEST_NAMES`]
    /// (0 = pass). Offline tests may take the interface down and up again. Returns
    /// whether any test failed.
    fn self_test(_this: Pin<&Self>, _dev: &NetDev, _offline: bool, _results: &mut [u64]) -> bool {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Identifies the port (`ethtool -p`): `Some(on)` turns the LED on or off while
    /// blinking, `None` restores normal operation.
    fn set_phys_id(_this: Pin<&Self>, _dev: &NetDev, _on: Option<bool>) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }
}

/// `ethtool_stringset` values used here (uapi `ETH_SS_*`).
const ETH_SS_TEST: c_int = 0;
const ETH_SS_STATS: c_int = 1;
/// `ethtool_test` flags (uapi `ETH_TEST_FL_*`).
const ETH_TEST_FL_OFFLINE: u32 = 1 << 0;
const ETH_TEST_FL_FAILED: u32 = 1 << 1;
/// Bytes per string in a string set (uapi `ETH_GSTRING_LEN`).
const ETH_GSTRING_LEN: usize = 32;

/// Recovers the private data inside an ethtool callback.
///
/// # Safety
///
/// `dev` must be a registered net_device whose private data is `T`.
unsafe fn data<'a, T>(dev: *mut bindings::net_device) -> (&'a NetDev, Pin<&'a T>) {
    // SAFETY: ethtool ops run only on registered devices, whose private area holds an
    // initialised, pinned `T`; `NetDev` is a transparent wrapper.
    unsafe {
        let data = bindings::re1000_netdev_priv(dev).cast::<T>();
        (&*dev.cast::<NetDev>(), Pin::new_unchecked(&*data))
    }
}

struct OpsTable<T>(PhantomData<T>);

impl<T: Operations> OpsTable<T> {
    const OPS: bindings::ethtool_ops = bindings::ethtool_ops {
        get_drvinfo: if T::HAS_GET_DRVINFO {
            Some(Self::get_drvinfo)
        } else {
            None
        },
        supported_coalesce_params: T::SUPPORTED_COALESCE_PARAMS,
        get_link: Some(bindings::ethtool_op_get_link),
        get_pause_stats: if T::HAS_GET_PAUSE_STATS {
            Some(Self::get_pause_stats)
        } else {
            None
        },
        get_eth_mac_stats: if T::HAS_GET_ETH_MAC_STATS {
            Some(Self::get_eth_mac_stats)
        } else {
            None
        },
        get_eth_ctrl_stats: if T::HAS_GET_ETH_CTRL_STATS {
            Some(Self::get_eth_ctrl_stats)
        } else {
            None
        },
        get_rmon_stats: if T::HAS_GET_RMON_STATS {
            Some(Self::get_rmon_stats)
        } else {
            None
        },
        get_link_ksettings: if T::HAS_GET_LINK_KSETTINGS {
            Some(Self::get_link_ksettings)
        } else {
            None
        },
        set_link_ksettings: if T::HAS_SET_LINK_KSETTINGS {
            Some(Self::set_link_ksettings)
        } else {
            None
        },
        get_coalesce: if T::HAS_GET_RX_USECS {
            Some(Self::get_coalesce)
        } else {
            None
        },
        set_coalesce: if T::HAS_SET_RX_USECS {
            Some(Self::set_coalesce)
        } else {
            None
        },
        get_wol: if T::HAS_GET_WOL {
            Some(Self::get_wol)
        } else {
            None
        },
        set_wol: if T::HAS_SET_WOL {
            Some(Self::set_wol)
        } else {
            None
        },
        self_test: if T::HAS_SELF_TEST {
            Some(Self::self_test)
        } else {
            None
        },
        set_phys_id: if T::HAS_SET_PHYS_ID {
            Some(Self::set_phys_id)
        } else {
            None
        },
        get_ts_info: Some(bindings::ethtool_op_get_ts_info),
        get_sset_count: Some(Self::get_sset_count),
        get_strings: Some(Self::get_strings),
        get_ethtool_stats: if T::HAS_GET_ETHTOOL_STATS {
            Some(Self::get_ethtool_stats)
        } else {
            None
        },
        get_regs_len: if T::HAS_GET_REGS {
            Some(Self::get_regs_len)
        } else {
            None
        },
        get_regs: if T::HAS_GET_REGS {
            Some(Self::get_regs)
        } else {
            None
        },
        get_eeprom_len: if T::HAS_GET_EEPROM {
            Some(Self::get_eeprom_len)
        } else {
            None
        },
        get_eeprom: if T::HAS_GET_EEPROM {
            Some(Self::get_eeprom)
        } else {
            None
        },
        set_eeprom: if T::HAS_SET_EEPROM {
            Some(Self::set_eeprom)
        } else {
            None
        },
        get_ringparam: if T::HAS_GET_RINGPARAM {
            Some(Self::get_ringparam)
        } else {
            None
        },
        set_ringparam: if T::HAS_SET_RINGPARAM {
            Some(Self::set_ringparam)
        } else {
            None
        },
        get_msglevel: if T::HAS_GET_MSGLEVEL {
            Some(Self::get_msglevel)
        } else {
            None
        },
        set_msglevel: if T::HAS_SET_MSGLEVEL {
            Some(Self::set_msglevel)
        } else {
            None
        },
        nway_reset: if T::HAS_NWAY_RESET {
            Some(Self::nway_reset)
        } else {
            None
        },
        get_pauseparam: if T::HAS_GET_PAUSEPARAM {
            Some(Self::get_pauseparam)
        } else {
            None
        },
        set_pauseparam: if T::HAS_SET_PAUSEPARAM {
            Some(Self::set_pauseparam)
        } else {
            None
        },
        // SAFETY: All-zero is valid for this struct of flags and optional function pointers.
        ..unsafe { core::mem::zeroed() }
    };

    /// # Safety
    ///
    /// `dev` must be a registered device whose private data is `T`, and `info` valid
    /// for writes.
    unsafe extern "C" fn get_drvinfo(
        dev: *mut bindings::net_device,
        info: *mut bindings::ethtool_drvinfo,
    ) {
        // SAFETY: Called by the ethtool core on a registered device.
        let (dev, this) = unsafe { data::<T>(dev) };
        // SAFETY: `info` is valid and exclusively ours for the call; `DrvInfo` is transparent.
        let info = unsafe { &mut *info.cast::<DrvInfo>() };
        T::get_drvinfo(this, dev, info);
    }
}

impl<T: Operations> OpsTable<T> {
    /// # Safety
    ///
    /// `dev` must be a registered device whose private data is `T`.
    unsafe extern "C" fn get_sset_count(_dev: *mut bindings::net_device, sset: c_int) -> c_int {
        let names = match sset {
            ETH_SS_STATS => T::STATS_NAMES,
            ETH_SS_TEST if T::HAS_SELF_TEST => T::TEST_NAMES,
            _ => return EOPNOTSUPP.to_errno(),
        };
        c_int::try_from(names.len()).unwrap_or(0)
    }

    /// # Safety
    ///
    /// `data` must have room for `get_sset_count(sset)` strings of `ETH_GSTRING_LEN`.
    unsafe extern "C" fn get_strings(_dev: *mut bindings::net_device, sset: u32, data: *mut u8) {
        let names = match c_int::try_from(sset) {
            Ok(ETH_SS_STATS) => T::STATS_NAMES,
            Ok(ETH_SS_TEST) => T::TEST_NAMES,
            _ => return,
        };
        let len = names.len() * ETH_GSTRING_LEN;
        // SAFETY: The core sized `data` from `get_sset_count`.
        let out = unsafe { core::slice::from_raw_parts_mut(data, len) };
        out.fill(0);
        for (i, name) in names.iter().enumerate() {
            let start = i * ETH_GSTRING_LEN;
            let n = name.len().min(ETH_GSTRING_LEN - 1);
            if let (Some(d), Some(s)) = (out.get_mut(start..start + n), name.as_bytes().get(..n)) {
                d.copy_from_slice(s);
            }
        }
    }

    /// # Safety
    ///
    /// `dev` must be a registered device whose private data is `T`; `data` has room for
    /// one `u64` per stats name.
    unsafe extern "C" fn get_ethtool_stats(
        dev: *mut bindings::net_device,
        _stats: *mut bindings::ethtool_stats,
        values: *mut u64,
    ) {
        // SAFETY: Called by the ethtool core on a registered device.
        let (dev, this) = unsafe { data::<T>(dev) };
        // SAFETY: The core sized `values` from `get_sset_count`.
        let out = unsafe { core::slice::from_raw_parts_mut(values, T::STATS_NAMES.len()) };
        out.fill(0);
        T::get_ethtool_stats(this, dev, out);
    }

    /// # Safety
    ///
    /// `dev` must be a registered device whose private data is `T`.
    unsafe extern "C" fn get_regs_len(_dev: *mut bindings::net_device) -> c_int {
        const { assert!(T::REGS_LEN > 0 && T::REGS_LEN * 4 <= c_int::MAX as usize) };
        T::REGS_LEN as c_int * 4
    }

    /// # Safety
    ///
    /// `dev` must be a registered device whose private data is `T`; `p` has
    /// `get_regs_len` bytes.
    unsafe extern "C" fn get_regs(
        dev: *mut bindings::net_device,
        regs: *mut bindings::ethtool_regs,
        p: *mut c_void,
    ) {
        // SAFETY: Called by the ethtool core on a registered device.
        let (dev, this) = unsafe { data::<T>(dev) };
        // SAFETY: The core allocated (zeroed, 4-byte aligned) what `get_regs_len`
        // returned, which is the constant `REGS_LEN` words.
        let out = unsafe { core::slice::from_raw_parts_mut(p.cast::<u32>(), T::REGS_LEN) };
        let version = T::get_regs(this, dev, out);
        // SAFETY: `regs` is valid for the call.
        unsafe { (*regs).version = version };
    }

    /// # Safety
    ///
    /// `dev` must be a registered device whose private data is `T`.
    unsafe extern "C" fn get_eeprom_len(_dev: *mut bindings::net_device) -> c_int {
        const { assert!(T::EEPROM_LEN > 0 && T::EEPROM_LEN <= c_int::MAX as usize) };
        T::EEPROM_LEN as c_int
    }

    /// Checks an EEPROM request against the EEPROM size.
    fn eeprom_range(ee: &bindings::ethtool_eeprom) -> Result<(usize, usize)> {
        let offset = ee.offset as usize;
        let len = ee.len as usize;
        let end = offset.checked_add(len).ok_or(EINVAL)?;
        if len == 0 || end > T::EEPROM_LEN {
            return Err(EINVAL);
        }
        Ok((offset, len))
    }

    /// # Safety
    ///
    /// `dev` must be a registered device whose private data is `T`; `bytes` has room
    /// for `ee->len` bytes.
    unsafe extern "C" fn get_eeprom(
        dev: *mut bindings::net_device,
        ee: *mut bindings::ethtool_eeprom,
        bytes: *mut u8,
    ) -> c_int {
        // SAFETY: Called by the ethtool core on a registered device; `ee` is valid.
        let ((dev, this), ee) = unsafe { (data::<T>(dev), &mut *ee) };
        let (offset, len) = match Self::eeprom_range(ee) {
            Ok(r) => r,
            Err(e) => return e.to_errno(),
        };
        ee.magic = T::eeprom_magic(this);
        // SAFETY: The core allocated `ee->len` bytes.
        let out = unsafe { core::slice::from_raw_parts_mut(bytes, len) };
        from_result(|| T::get_eeprom(this, dev, offset, out).map(|()| 0))
    }

    /// # Safety
    ///
    /// As for `get_eeprom`; `bytes` holds `ee->len` bytes to write.
    unsafe extern "C" fn set_eeprom(
        dev: *mut bindings::net_device,
        ee: *mut bindings::ethtool_eeprom,
        bytes: *mut u8,
    ) -> c_int {
        // SAFETY: Called by the ethtool core on a registered device; `ee` is valid.
        let ((dev, this), ee) = unsafe { (data::<T>(dev), &*ee) };
        if ee.magic != T::eeprom_magic(this) {
            return EFAULT.to_errno();
        }
        let (offset, len) = match Self::eeprom_range(ee) {
            Ok(r) => r,
            Err(e) => return e.to_errno(),
        };
        // SAFETY: The core copied `ee->len` bytes from user space.
        let data = unsafe { core::slice::from_raw_parts(bytes, len) };
        from_result(|| T::set_eeprom(this, dev, offset, data).map(|()| 0))
    }

    /// # Safety
    ///
    /// `dev` must be a registered device whose private data is `T`; `ring` is valid.
    unsafe extern "C" fn get_ringparam(
        dev: *mut bindings::net_device,
        ring: *mut bindings::ethtool_ringparam,
        _kernel: *mut bindings::kernel_ethtool_ringparam,
        _extack: *mut bindings::netlink_ext_ack,
    ) {
        // SAFETY: Called by the ethtool core on a registered device.
        let (dev, this) = unsafe { data::<T>(dev) };
        let p = T::get_ringparam(this, dev);
        // SAFETY: `ring` is valid for the call.
        let ring = unsafe { &mut *ring };
        ring.rx_max_pending = p.rx_max;
        ring.tx_max_pending = p.tx_max;
        ring.rx_pending = p.rx;
        ring.tx_pending = p.tx;
    }

    /// # Safety
    ///
    /// `dev` must be a registered device whose private data is `T`; `ring` is valid and
    /// `extack` valid or null.
    unsafe extern "C" fn set_ringparam(
        dev: *mut bindings::net_device,
        ring: *mut bindings::ethtool_ringparam,
        _kernel: *mut bindings::kernel_ethtool_ringparam,
        extack: *mut bindings::netlink_ext_ack,
    ) -> c_int {
        // SAFETY: Called by the ethtool core on a registered device.
        let (dev, this) = unsafe { data::<T>(dev) };
        // SAFETY: `ring` is valid for the call.
        let ring = unsafe { &*ring };
        let mut extack = ExtAck(extack);
        if ring.rx_mini_pending != 0 || ring.rx_jumbo_pending != 0 {
            extack.set_message(c"mini and jumbo rings are not supported");
            return EINVAL.to_errno();
        }
        from_result(|| {
            T::set_ringparam(this, dev, ring.rx_pending, ring.tx_pending, &mut extack).map(|()| 0)
        })
    }

    /// # Safety
    ///
    /// `dev` must be a registered device whose private data is `T`.
    unsafe extern "C" fn get_msglevel(dev: *mut bindings::net_device) -> u32 {
        // SAFETY: Called by the ethtool core on a registered device.
        let (_, this) = unsafe { data::<T>(dev) };
        T::get_msglevel(this)
    }

    /// # Safety
    ///
    /// `dev` must be a registered device whose private data is `T`.
    unsafe extern "C" fn set_msglevel(dev: *mut bindings::net_device, level: u32) {
        // SAFETY: Called by the ethtool core on a registered device.
        let (_, this) = unsafe { data::<T>(dev) };
        T::set_msglevel(this, level);
    }

    /// # Safety
    ///
    /// `dev` must be a registered device whose private data is `T`.
    unsafe extern "C" fn nway_reset(dev: *mut bindings::net_device) -> c_int {
        // SAFETY: Called by the ethtool core on a registered device.
        let (dev, this) = unsafe { data::<T>(dev) };
        from_result(|| T::nway_reset(this, dev).map(|()| 0))
    }

    /// # Safety
    ///
    /// `dev` must be a registered device whose private data is `T`; `p` is valid.
    unsafe extern "C" fn get_pauseparam(
        dev: *mut bindings::net_device,
        p: *mut bindings::ethtool_pauseparam,
    ) {
        // SAFETY: Called by the ethtool core on a registered device.
        let (dev, this) = unsafe { data::<T>(dev) };
        let pause = T::get_pauseparam(this, dev);
        // SAFETY: `p` is valid for the call.
        let p = unsafe { &mut *p };
        p.autoneg = pause.autoneg.into();
        p.rx_pause = pause.rx.into();
        p.tx_pause = pause.tx.into();
    }

    /// # Safety
    ///
    /// `dev` must be a registered device whose private data is `T`; `p` is valid.
    unsafe extern "C" fn set_pauseparam(
        dev: *mut bindings::net_device,
        p: *mut bindings::ethtool_pauseparam,
    ) -> c_int {
        // SAFETY: Called by the ethtool core on a registered device.
        let (dev, this) = unsafe { data::<T>(dev) };
        // SAFETY: `p` is valid for the call.
        let p = unsafe { &*p };
        let pause = PauseParam {
            autoneg: p.autoneg != 0,
            rx: p.rx_pause != 0,
            tx: p.tx_pause != 0,
        };
        from_result(|| T::set_pauseparam(this, dev, &pause).map(|()| 0))
    }
}

impl<T: Operations> OpsTable<T> {
    /// # Safety
    ///
    /// `dev` must be a registered device whose private data is `T`; `p` is valid.
    unsafe extern "C" fn get_pause_stats(
        dev: *mut bindings::net_device,
        p: *mut bindings::ethtool_pause_stats,
    ) {
        // SAFETY: Called by the ethtool core on a registered device.
        let (dev, this) = unsafe { data::<T>(dev) };
        let (tx, rx) = T::get_pause_stats(this, dev);
        // SAFETY: `p` is valid for the call; the counters are plain fields of the
        // anonymous half of the `stats` struct group.
        unsafe {
            let s = &mut (*p).__bindgen_anon_1.__bindgen_anon_1;
            s.tx_pause_frames = tx;
            s.rx_pause_frames = rx;
        }
    }

    /// # Safety
    ///
    /// `dev` must be a registered device whose private data is `T`; `p` is valid.
    unsafe extern "C" fn get_eth_mac_stats(
        dev: *mut bindings::net_device,
        p: *mut bindings::ethtool_eth_mac_stats,
    ) {
        // SAFETY: Called by the ethtool core on a registered device.
        let (dev, this) = unsafe { data::<T>(dev) };
        let mut m = MacStats::default();
        T::get_eth_mac_stats(this, dev, &mut m);
        // SAFETY: `p` is valid for the call; plain fields of the struct group.
        let s = unsafe { &mut (*p).__bindgen_anon_1.__bindgen_anon_1 };
        s.FramesTransmittedOK = m.frames_transmitted_ok;
        s.SingleCollisionFrames = m.single_collision_frames;
        s.MultipleCollisionFrames = m.multiple_collision_frames;
        s.FramesReceivedOK = m.frames_received_ok;
        s.FrameCheckSequenceErrors = m.frame_check_sequence_errors;
        s.AlignmentErrors = m.alignment_errors;
        s.OctetsTransmittedOK = m.octets_transmitted_ok;
        s.FramesWithDeferredXmissions = m.frames_with_deferred_xmissions;
        s.LateCollisions = m.late_collisions;
        s.FramesAbortedDueToXSColls = m.frames_aborted_due_to_xs_colls;
        s.CarrierSenseErrors = m.carrier_sense_errors;
        s.OctetsReceivedOK = m.octets_received_ok;
        s.MulticastFramesXmittedOK = m.multicast_frames_xmitted_ok;
        s.BroadcastFramesXmittedOK = m.broadcast_frames_xmitted_ok;
        s.MulticastFramesReceivedOK = m.multicast_frames_received_ok;
        s.BroadcastFramesReceivedOK = m.broadcast_frames_received_ok;
        s.InRangeLengthErrors = m.in_range_length_errors;
        s.FrameTooLongErrors = m.frame_too_long_errors;
    }

    /// # Safety
    ///
    /// `dev` must be a registered device whose private data is `T`; `p` is valid.
    unsafe extern "C" fn get_eth_ctrl_stats(
        dev: *mut bindings::net_device,
        p: *mut bindings::ethtool_eth_ctrl_stats,
    ) {
        // SAFETY: Called by the ethtool core on a registered device.
        let (dev, this) = unsafe { data::<T>(dev) };
        let (tx, rx, unsupported) = T::get_eth_ctrl_stats(this, dev);
        // SAFETY: `p` is valid for the call; plain fields of the struct group.
        let s = unsafe { &mut (*p).__bindgen_anon_1.__bindgen_anon_1 };
        s.MACControlFramesTransmitted = tx;
        s.MACControlFramesReceived = rx;
        s.UnsupportedOpcodesReceived = unsupported;
    }

    /// The RMON ranges as the C array the core walks, ending with an empty entry.
    const RMON_TABLE: [bindings::ethtool_rmon_hist_range; 11] = {
        let mut table = [bindings::ethtool_rmon_hist_range { low: 0, high: 0 }; 11];
        let mut i = 0;
        while i < T::RMON_RANGES.len() && i < 10 {
            table[i].low = T::RMON_RANGES[i].0;
            table[i].high = T::RMON_RANGES[i].1;
            i += 1;
        }
        table
    };

    /// # Safety
    ///
    /// `dev` must be a registered device whose private data is `T`; `p` and `ranges`
    /// are valid.
    unsafe extern "C" fn get_rmon_stats(
        dev: *mut bindings::net_device,
        p: *mut bindings::ethtool_rmon_stats,
        ranges: *mut *const bindings::ethtool_rmon_hist_range,
    ) {
        // SAFETY: Called by the ethtool core on a registered device.
        let (dev, this) = unsafe { data::<T>(dev) };
        let mut r = RmonStats::default();
        T::get_rmon_stats(this, dev, &mut r);
        // SAFETY: `p` and `ranges` are valid for the call; the table is static.
        unsafe {
            let s = &mut (*p).__bindgen_anon_1.__bindgen_anon_1;
            s.undersize_pkts = r.undersize_pkts;
            s.oversize_pkts = r.oversize_pkts;
            s.fragments = r.fragments;
            s.jabbers = r.jabbers;
            for (i, v) in r.hist.iter().enumerate().take(T::RMON_RANGES.len()) {
                if let Some(d) = s.hist.get_mut(i) {
                    *d = *v;
                }
            }
            for (i, v) in r.hist_tx.iter().enumerate().take(T::RMON_RANGES.len()) {
                if let Some(d) = s.hist_tx.get_mut(i) {
                    *d = *v;
                }
            }
            *ranges = Self::RMON_TABLE.as_ptr();
        }
    }

    /// # Safety
    ///
    /// `dev` must be a registered device whose private data is `T`; `k` is valid.
    unsafe extern "C" fn get_link_ksettings(
        dev: *mut bindings::net_device,
        k: *mut bindings::ethtool_link_ksettings,
    ) -> c_int {
        // SAFETY: Called by the ethtool core on a registered device.
        let (dev, this) = unsafe { data::<T>(dev) };
        let l = match T::get_link_ksettings(this, dev) {
            Ok(l) => l,
            Err(e) => return e.to_errno(),
        };
        // SAFETY: `k` is valid for the call and zeroed by the core.
        let k = unsafe { &mut *k };
        k.base.speed = l.speed;
        k.base.duplex = match l.full_duplex {
            Some(true) => 1,
            Some(false) => 0,
            None => 0xff,
        };
        k.base.autoneg = l.autoneg.into();
        k.base.port = 0; // PORT_TP
        k.base.phy_address = l.phy_address;
        k.base.eth_tp_mdix = 0; // ETH_TP_MDI_INVALID: not reported, as the C driver
        if let Some(w) = k.link_modes.supported.first_mut() {
            *w = l.supported as c_ulong;
        }
        if let Some(w) = k.link_modes.advertising.first_mut() {
            *w = l.advertising as c_ulong;
        }
        0
    }

    /// # Safety
    ///
    /// `dev` must be a registered device whose private data is `T`; `k` is valid.
    unsafe extern "C" fn set_link_ksettings(
        dev: *mut bindings::net_device,
        k: *const bindings::ethtool_link_ksettings,
    ) -> c_int {
        // SAFETY: Called by the ethtool core on a registered device.
        let (dev, this) = unsafe { data::<T>(dev) };
        // SAFETY: `k` is valid for the call.
        let k = unsafe { &*k };
        // Modes at bit 64 and above are not link modes these parts have.
        if k.link_modes.advertising.iter().skip(1).any(|w| *w != 0) {
            return EINVAL.to_errno();
        }
        let s = LinkSettings {
            speed: k.base.speed,
            full_duplex: match k.base.duplex {
                0 => Some(false),
                1 => Some(true),
                _ => None,
            },
            autoneg: k.base.autoneg != 0,
            supported: 0,
            advertising: k.link_modes.advertising.first().map_or(0, |w| *w as u64),
            phy_address: k.base.phy_address,
        };
        from_result(|| T::set_link_ksettings(this, dev, &s).map(|()| 0))
    }

    /// # Safety
    ///
    /// `dev` must be a registered device whose private data is `T`; `ec` is valid.
    unsafe extern "C" fn get_coalesce(
        dev: *mut bindings::net_device,
        ec: *mut bindings::ethtool_coalesce,
        _kernel: *mut bindings::kernel_ethtool_coalesce,
        _extack: *mut bindings::netlink_ext_ack,
    ) -> c_int {
        // SAFETY: Called by the ethtool core on a registered device.
        let (dev, this) = unsafe { data::<T>(dev) };
        match T::get_rx_usecs(this, dev) {
            Ok(usecs) => {
                // SAFETY: `ec` is valid for the call.
                unsafe { (*ec).rx_coalesce_usecs = usecs };
                0
            }
            Err(e) => e.to_errno(),
        }
    }

    /// # Safety
    ///
    /// `dev` must be a registered device whose private data is `T`; `ec` is valid and
    /// `extack` valid or null.
    unsafe extern "C" fn set_coalesce(
        dev: *mut bindings::net_device,
        ec: *mut bindings::ethtool_coalesce,
        _kernel: *mut bindings::kernel_ethtool_coalesce,
        extack: *mut bindings::netlink_ext_ack,
    ) -> c_int {
        // SAFETY: Called by the ethtool core on a registered device.
        let (dev, this) = unsafe { data::<T>(dev) };
        // SAFETY: `ec` is valid for the call.
        let usecs = unsafe { (*ec).rx_coalesce_usecs };
        from_result(|| T::set_rx_usecs(this, dev, usecs, &mut ExtAck(extack)).map(|()| 0))
    }

    /// # Safety
    ///
    /// `dev` must be a registered device whose private data is `T`; `w` is valid.
    unsafe extern "C" fn get_wol(
        dev: *mut bindings::net_device,
        w: *mut bindings::ethtool_wolinfo,
    ) {
        // SAFETY: Called by the ethtool core on a registered device.
        let (dev, this) = unsafe { data::<T>(dev) };
        let (supported, enabled) = T::get_wol(this, dev);
        // SAFETY: `w` is valid for the call.
        unsafe {
            (*w).supported = supported;
            (*w).wolopts = enabled;
        }
    }

    /// # Safety
    ///
    /// `dev` must be a registered device whose private data is `T`; `w` is valid.
    unsafe extern "C" fn set_wol(
        dev: *mut bindings::net_device,
        w: *mut bindings::ethtool_wolinfo,
    ) -> c_int {
        // SAFETY: Called by the ethtool core on a registered device.
        let (dev, this) = unsafe { data::<T>(dev) };
        // SAFETY: `w` is valid for the call.
        let opts = unsafe { (*w).wolopts };
        from_result(|| T::set_wol(this, dev, opts).map(|()| 0))
    }

    /// # Safety
    ///
    /// `dev` must be a registered device whose private data is `T`; `test` is valid and
    /// `results` has room for one `u64` per test name.
    unsafe extern "C" fn self_test(
        dev: *mut bindings::net_device,
        test: *mut bindings::ethtool_test,
        results: *mut u64,
    ) {
        // SAFETY: Called by the ethtool core (under RTNL) on a registered device.
        let (dev, this) = unsafe { data::<T>(dev) };
        // SAFETY: `test` is valid; the core sized `results` from `get_sset_count`.
        let (test, out) = unsafe {
            (
                &mut *test,
                core::slice::from_raw_parts_mut(results, T::TEST_NAMES.len()),
            )
        };
        out.fill(0);
        let offline = test.flags & ETH_TEST_FL_OFFLINE != 0;
        if T::self_test(this, dev, offline, out) {
            test.flags |= ETH_TEST_FL_FAILED;
        }
    }

    /// # Safety
    ///
    /// `dev` must be a registered device whose private data is `T`.
    unsafe extern "C" fn set_phys_id(
        dev: *mut bindings::net_device,
        state: bindings::ethtool_phys_id_state,
    ) -> c_int {
        // SAFETY: Called by the ethtool core on a registered device.
        let (dev, this) = unsafe { data::<T>(dev) };
        let on = match state {
            // Blink by ON/OFF calls from the core, once per second.
            bindings::ethtool_phys_id_state_ETHTOOL_ID_ACTIVE => return 1,
            bindings::ethtool_phys_id_state_ETHTOOL_ID_ON => Some(true),
            bindings::ethtool_phys_id_state_ETHTOOL_ID_OFF => Some(false),
            _ => None,
        };
        from_result(|| T::set_phys_id(this, dev, on).map(|()| 0))
    }
}

/// The `ethtool_ops` table for `T`.
pub(super) const fn build<T: Operations>() -> &'static bindings::ethtool_ops {
    &OpsTable::<T>::OPS
}
