// SPDX-License-Identifier: GPL-2.0

//! PCI glue: device table, probe and unbind.

use kernel::{
    device::Core,
    irq::IrqRequest,
    pci,
    prelude::*,
    time::msecs_to_jiffies, //
};

use crate::{
    adapter::Adapter,
    hw::{
        stats::HwStats,
        Hw,
        MacType, //
    },
    logic,
    net::{
        netdev::{
            Config,
            Features,
            Registration, //
        },
        pci::Enabled,
    },
    regs::BAR0_SIZE,
    ring_sizes::Sizes, //
};

/// Smallest MTU: a minimum-size frame (ETH_ZLEN) without its header, as the C driver.
const MIN_MTU: u32 = 60 - 14;
/// Largest MTU until jumbo frames are supported.
const MAX_MTU: u32 = 1500;
/// `ndo_tx_timeout` fires after the TX queue has been stopped this long.
const TX_TIMEOUT_MS: u32 = 5000;

pub(crate) struct Re1000Driver;

kernel::pci_device_table!(
    PCI_TABLE,
    <Re1000Driver as pci::Driver>::IdInfo,
    [
        // Copper parts whose differences (EEPROM access, reset) the code handles; the
        // IDs and MAC types are those of the C driver's e1000_set_mac_type().
        (
            pci::DeviceId::from_id(pci::Vendor::INTEL, 0x1008),
            MacType::I82544
        ), // 82544EI
        (
            pci::DeviceId::from_id(pci::Vendor::INTEL, 0x100C),
            MacType::I82544
        ), // 82544GC
        (
            pci::DeviceId::from_id(pci::Vendor::INTEL, 0x100D),
            MacType::I82544
        ), // 82544GC LOM
        (
            pci::DeviceId::from_id(pci::Vendor::INTEL, 0x100E),
            MacType::I82540
        ), // 82540EM
        (
            pci::DeviceId::from_id(pci::Vendor::INTEL, 0x1015),
            MacType::I82540
        ), // 82540EM LOM
        (
            pci::DeviceId::from_id(pci::Vendor::INTEL, 0x100F),
            MacType::I82545
        ), // 82545EM
    ]
);

/// What a bound device owns; dropping it unregisters the interface and quiesces the
/// device.
pub(crate) struct DeviceData<'a> {
    // Dropped first: the net_device (and its IRQ line) before the vector it uses.
    _netdev: Registration<'a, Adapter<'a>>,
    _irq_vectors: pci::IrqVectorRegistration<'a>,
    // Last: bus mastering off and the device disabled once nothing uses it.
    _enabled: Enabled<'a>,
}

impl pci::Driver for Re1000Driver {
    type IdInfo = MacType;
    type Data<'bound> = DeviceData<'bound>;

    const ID_TABLE: pci::IdTable<Self::IdInfo> = &PCI_TABLE;

    fn probe<'bound>(
        pdev: &'bound pci::Device<Core<'_>>,
        info: Option<&'bound Self::IdInfo>,
    ) -> impl PinInit<Self::Data<'bound>, Error> + 'bound {
        let mac_type = *info.ok_or(ENODEV)?;
        let enabled = Enabled::new(pdev)?;
        let bar = pdev.iomap_region_sized::<BAR0_SIZE>(0, c"re1000")?;
        let emulated = pdev.subsystem_vendor_id() == crate::hw::QEMU_SUBSYSTEM_VENDOR;
        let hw = Hw {
            bar,
            mac_type,
            emulated,
        };
        hw.reset();

        let words = hw.read_eeprom().inspect_err(|e| {
            dev_err!(pdev, "EEPROM read failed: {:?}\n", e);
        })?;
        if let Err(sum) = logic::eeprom::validate(&words) {
            dev_err!(
                pdev,
                "EEPROM checksum is invalid: words 0x00-0x3f sum to {:#06x}, expected {:#06x}\n",
                sum,
                logic::eeprom::CHECKSUM_SUM
            );
            return Err(EIO);
        }
        let mac = logic::eeprom::mac_address(&words);
        if !logic::mac::is_valid_station_address(&mac) {
            dev_err!(pdev, "EEPROM holds an invalid MAC address {:02x?}\n", mac);
            return Err(EIO);
        }
        hw.set_receive_address(&mac);

        let config = Config {
            // Every supported part (82540 and later) inserts checksums and segments
            // TCP; the C driver offers the same from the 82544 on.
            features: Features::SG.with(Features::HW_CSUM).with(Features::TSO),
            mac,
            min_mtu: MIN_MTU,
            max_mtu: MAX_MTU,
            watchdog_timeo: msecs_to_jiffies(TX_TIMEOUT_MS),
        };
        let bound: &'bound pci::Device<kernel::device::Bound> = pdev;
        // The 8254x has no MSI: one INTx vector, which the line may share.
        let irq_vectors =
            bound.alloc_irq_vectors(1, 1, pci::IrqTypes::default().with(pci::IrqType::Intx))?;
        let irq = IrqRequest::from(irq_vectors.index(0)?).irq();
        let hw_stats = HwStats::baselined(&hw)?;
        let (tx, rx) = crate::ring_size_params();
        let sizes = Sizes::from_params(bound, tx, rx);
        let adapter = Adapter::new(bound, hw, hw_stats, sizes, irq);
        // Registered last: from here on `ndo_open` can run.
        let netdev = Registration::new(bound.as_ref(), &config, adapter)?;
        // Report no carrier until the watchdog has seen the link (as the C driver).
        netdev.netdev().carrier_off();
        dev_info!(
            pdev,
            "{}: Intel(R) PRO/1000 Network Connection ({}), MAC {:02x?}\n",
            netdev.netdev().name(),
            mac_type.name(),
            mac
        );
        Ok(DeviceData {
            _netdev: netdev,
            _irq_vectors: irq_vectors,
            _enabled: enabled,
        })
    }
}
