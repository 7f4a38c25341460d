/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One-line wrappers for static inline functions and macros that Rust cannot
 * call directly. No logic lives here; see helpers.c.
 */
#ifndef RE1000_NET_HELPERS_H
#define RE1000_NET_HELPERS_H

#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/workqueue.h>

void *re1000_netdev_priv(const struct net_device *dev);
void re1000_set_netdev_dev(struct net_device *dev, struct device *parent);
void re1000_eth_hw_addr_set(struct net_device *dev, const u8 *addr);
bool re1000_netif_carrier_ok(const struct net_device *dev);
bool re1000_netif_running(const struct net_device *dev);
void re1000_netif_start_queue(struct net_device *dev);
void re1000_netif_stop_queue(struct net_device *dev);
void re1000_dev_kfree_skb_any(struct sk_buff *skb);
void re1000_init_delayed_work(struct delayed_work *work, work_func_t func);
bool re1000_mod_delayed_work(struct delayed_work *work, unsigned long delay);

#endif
