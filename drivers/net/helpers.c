// SPDX-License-Identifier: GPL-2.0
/*
 * One-line wrappers for static inline functions and macros of the net stack
 * and the workqueue API, which Rust cannot call directly.
 */
#include "helpers.h"

void *re1000_netdev_priv(const struct net_device *dev)
{
	return netdev_priv(dev);
}

void re1000_set_netdev_dev(struct net_device *dev, struct device *parent)
{
	SET_NETDEV_DEV(dev, parent);
}

void re1000_eth_hw_addr_set(struct net_device *dev, const u8 *addr)
{
	eth_hw_addr_set(dev, addr);
}

bool re1000_netif_carrier_ok(const struct net_device *dev)
{
	return netif_carrier_ok(dev);
}

bool re1000_netif_running(const struct net_device *dev)
{
	return netif_running(dev);
}

void re1000_netif_start_queue(struct net_device *dev)
{
	netif_start_queue(dev);
}

void re1000_netif_stop_queue(struct net_device *dev)
{
	netif_stop_queue(dev);
}

void re1000_dev_kfree_skb_any(struct sk_buff *skb)
{
	dev_kfree_skb_any(skb);
}

void re1000_init_delayed_work(struct delayed_work *work, work_func_t func)
{
	INIT_DELAYED_WORK(work, func);
}

bool re1000_mod_delayed_work(struct delayed_work *work, unsigned long delay)
{
	return mod_delayed_work(system_wq, work, delay);
}
