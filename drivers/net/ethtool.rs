// SPDX-License-Identifier: GPL-2.0

//! `ethtool_ops`: what `ethtool` asks a driver.
//!
//! C header: [`include/linux/ethtool.h`](srctree/include/linux/ethtool.h)

use core::marker::PhantomData;

use kernel::prelude::*;

use super::{
    bindings,
    netdev::NetDev, //
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

/// The ethtool operations a driver implements. `Self` is its net_device private data.
#[vtable]
pub(crate) trait Operations: Sized + Send + Sync {
    /// Names of `ethtool -S` counters, in order.
    const STATS_NAMES: &'static [&'static str] = &[];

    /// Fills in `ethtool -i`.
    fn get_drvinfo(_this: Pin<&Self>, _dev: &NetDev, _info: &mut DrvInfo) {}

    /// Fills `data` (one entry per [`Self::STATS_NAMES`]) for `ethtool -S`.
    fn get_ethtool_stats(_this: Pin<&Self>, _dev: &NetDev, _data: &mut [u64]) {}

    /// Size of the register dump in 32-bit words.
    fn get_regs_len(_this: Pin<&Self>) -> usize {
        0
    }

    /// Dumps registers for `ethtool -d`; returns the dump version.
    fn get_regs(_this: Pin<&Self>, _dev: &NetDev, _regs: &mut [u32]) -> u32 {
        0
    }

    /// EEPROM size in bytes.
    fn get_eeprom_len(_this: Pin<&Self>) -> usize {
        0
    }

    /// The `magic` value `ethtool -E` must quote.
    fn eeprom_magic(_this: Pin<&Self>) -> u32 {
        0
    }

    /// Reads EEPROM bytes `offset..offset + buf.len()` (already range-checked).
    fn get_eeprom(_this: Pin<&Self>, _dev: &NetDev, _offset: usize, _buf: &mut [u8]) -> Result {
        Err(EOPNOTSUPP)
    }

    /// Writes EEPROM bytes at `offset` (range and magic already checked).
    fn set_eeprom(_this: Pin<&Self>, _dev: &NetDev, _offset: usize, _data: &[u8]) -> Result {
        Err(EOPNOTSUPP)
    }

    /// Ring sizes for `ethtool -g`.
    fn get_ringparam(_this: Pin<&Self>, _dev: &NetDev) -> RingParam {
        RingParam {
            rx_max: 0,
            tx_max: 0,
            rx: 0,
            tx: 0,
        }
    }

    /// Changes ring sizes (`ethtool -G`); may reallocate the rings of a running device.
    fn set_ringparam(
        _this: Pin<&Self>,
        _dev: &NetDev,
        _rx: u32,
        _tx: u32,
        _extack: &mut ExtAck,
    ) -> Result {
        Err(EOPNOTSUPP)
    }

    /// Message level (`ethtool -s msglvl`).
    fn get_msglevel(_this: Pin<&Self>) -> u32 {
        0
    }

    /// Sets the message level.
    fn set_msglevel(_this: Pin<&Self>, _level: u32) {}

    /// Restarts autonegotiation (`ethtool -r`).
    fn nway_reset(_this: Pin<&Self>, _dev: &NetDev) -> Result {
        Err(EOPNOTSUPP)
    }

    /// Flow control settings (`ethtool -a`).
    fn get_pauseparam(_this: Pin<&Self>, _dev: &NetDev) -> PauseParam {
        PauseParam {
            autoneg: false,
            rx: false,
            tx: false,
        }
    }

    /// Changes flow control (`ethtool -A`).
    fn set_pauseparam(_this: Pin<&Self>, _dev: &NetDev, _pause: &PauseParam) -> Result {
        Err(EOPNOTSUPP)
    }
}

/// `ethtool_stringset` values used here (uapi `ETH_SS_*`).
const ETH_SS_STATS: c_int = 1;
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
        get_link: Some(bindings::ethtool_op_get_link),
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

/// Converts a callback result to the C convention.
fn to_c(r: Result) -> c_int {
    match r {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

impl<T: Operations> OpsTable<T> {
    /// # Safety
    ///
    /// `dev` must be a registered device whose private data is `T`.
    unsafe extern "C" fn get_sset_count(_dev: *mut bindings::net_device, sset: c_int) -> c_int {
        match sset {
            ETH_SS_STATS => c_int::try_from(T::STATS_NAMES.len()).unwrap_or(0),
            _ => EOPNOTSUPP.to_errno(),
        }
    }

    /// # Safety
    ///
    /// `data` must have room for `get_sset_count(sset)` strings of `ETH_GSTRING_LEN`.
    unsafe extern "C" fn get_strings(_dev: *mut bindings::net_device, sset: u32, data: *mut u8) {
        if sset != ETH_SS_STATS as u32 {
            return;
        }
        let len = T::STATS_NAMES.len() * ETH_GSTRING_LEN;
        // SAFETY: The core sized `data` from `get_sset_count`.
        let out = unsafe { core::slice::from_raw_parts_mut(data, len) };
        out.fill(0);
        for (i, name) in T::STATS_NAMES.iter().enumerate() {
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
    unsafe extern "C" fn get_regs_len(dev: *mut bindings::net_device) -> c_int {
        // SAFETY: Called by the ethtool core on a registered device.
        let (_, this) = unsafe { data::<T>(dev) };
        c_int::try_from(T::get_regs_len(this) * 4).unwrap_or(0)
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
        let words = T::get_regs_len(this);
        // SAFETY: The core allocated `get_regs_len` bytes (zeroed), 4-byte aligned.
        let out = unsafe { core::slice::from_raw_parts_mut(p.cast::<u32>(), words) };
        let version = T::get_regs(this, dev, out);
        // SAFETY: `regs` is valid for the call.
        unsafe { (*regs).version = version };
    }

    /// # Safety
    ///
    /// `dev` must be a registered device whose private data is `T`.
    unsafe extern "C" fn get_eeprom_len(dev: *mut bindings::net_device) -> c_int {
        // SAFETY: Called by the ethtool core on a registered device.
        let (_, this) = unsafe { data::<T>(dev) };
        c_int::try_from(T::get_eeprom_len(this)).unwrap_or(0)
    }

    /// Checks an EEPROM request against the EEPROM size.
    fn eeprom_range(this: Pin<&T>, ee: &bindings::ethtool_eeprom) -> Result<(usize, usize)> {
        let offset = ee.offset as usize;
        let len = ee.len as usize;
        let end = offset.checked_add(len).ok_or(EINVAL)?;
        if len == 0 || end > T::get_eeprom_len(this) {
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
        let (offset, len) = match Self::eeprom_range(this, ee) {
            Ok(r) => r,
            Err(e) => return e.to_errno(),
        };
        ee.magic = T::eeprom_magic(this);
        // SAFETY: The core allocated `ee->len` bytes.
        let out = unsafe { core::slice::from_raw_parts_mut(bytes, len) };
        to_c(T::get_eeprom(this, dev, offset, out))
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
        let (offset, len) = match Self::eeprom_range(this, ee) {
            Ok(r) => r,
            Err(e) => return e.to_errno(),
        };
        // SAFETY: The core copied `ee->len` bytes from user space.
        let data = unsafe { core::slice::from_raw_parts(bytes, len) };
        to_c(T::set_eeprom(this, dev, offset, data))
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
        to_c(T::set_ringparam(
            this,
            dev,
            ring.rx_pending,
            ring.tx_pending,
            &mut extack,
        ))
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
        to_c(T::nway_reset(this, dev))
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
        to_c(T::set_pauseparam(this, dev, &pause))
    }
}

/// The `ethtool_ops` table for `T`.
pub(super) const fn build<T: Operations>() -> &'static bindings::ethtool_ops {
    &OpsTable::<T>::OPS
}
