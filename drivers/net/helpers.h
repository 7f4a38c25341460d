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
#include <linux/tcp.h>
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/pci.h>
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

void re1000_netif_tx_disable(struct net_device *dev);
void re1000_netif_wake_queue(struct net_device *dev);
bool re1000_netif_queue_stopped(const struct net_device *dev);
bool re1000_netif_xmit_stopped(const struct net_device *dev);
bool re1000_netdev_xmit_more(void);
void re1000_netdev_sent_queue(struct net_device *dev, unsigned int bytes);
void re1000_netdev_completed_queue(struct net_device *dev, unsigned int pkts,
				   unsigned int bytes);
void re1000_netdev_reset_queue(struct net_device *dev);

void re1000_netif_napi_add(struct net_device *dev, struct napi_struct *napi,
			   int (*poll)(struct napi_struct *, int));
void re1000_netif_napi_del(struct napi_struct *napi);
bool re1000_napi_schedule(struct napi_struct *napi);
void re1000_napi_gro_receive(struct napi_struct *napi, struct sk_buff *skb);

struct sk_buff *re1000_netdev_alloc_skb_ip_align(struct net_device *dev,
						 unsigned int len);
void *re1000_netdev_alloc_frag(unsigned int fragsz);
void re1000_skb_free_frag(void *addr);
unsigned int re1000_skb_head_align(unsigned int len);
void re1000_skb_reserve(struct sk_buff *skb, int len);
unsigned char *re1000_skb_data(const struct sk_buff *skb);
void re1000_skb_get(struct sk_buff *skb);
unsigned int re1000_skb_headlen(const struct sk_buff *skb);
unsigned int re1000_skb_nr_frags(const struct sk_buff *skb);
unsigned int re1000_skb_frag_size(const struct sk_buff *skb, unsigned int i);
dma_addr_t re1000_skb_frag_dma_map(struct device *dev, const struct sk_buff *skb,
				   unsigned int i);
int re1000_skb_put_padto(struct sk_buff *skb, unsigned int len);
void re1000_skb_tx_timestamp(struct sk_buff *skb);
void re1000_skb_set_protocol_eth(struct sk_buff *skb, struct net_device *dev);
bool re1000_skb_csum_partial(const struct sk_buff *skb);
unsigned int re1000_skb_checksum_start_offset(const struct sk_buff *skb);
unsigned int re1000_skb_csum_offset(const struct sk_buff *skb);
bool re1000_skb_is_gso(const struct sk_buff *skb);
bool re1000_skb_is_gso_tcpv4(const struct sk_buff *skb);
unsigned int re1000_skb_gso_size(const struct sk_buff *skb);
unsigned int re1000_skb_gso_segs(const struct sk_buff *skb);
int re1000_skb_network_offset(const struct sk_buff *skb);
int re1000_skb_transport_offset(const struct sk_buff *skb);
unsigned int re1000_tcp_hdrlen(const struct sk_buff *skb);
int re1000_skb_cow_head(struct sk_buff *skb);

dma_addr_t re1000_dma_map_single(struct device *dev, void *ptr, size_t size,
				 enum dma_data_direction dir);
void re1000_dma_unmap_single(struct device *dev, dma_addr_t addr, size_t size,
			     enum dma_data_direction dir);
void re1000_dma_unmap_page(struct device *dev, dma_addr_t addr, size_t size,
			   enum dma_data_direction dir);
int re1000_dma_mapping_error(struct device *dev, dma_addr_t addr);
void re1000_dma_sync_single_for_cpu(struct device *dev, dma_addr_t addr,
				    size_t size, enum dma_data_direction dir);
void re1000_dma_sync_single_for_device(struct device *dev, dma_addr_t addr,
				       size_t size, enum dma_data_direction dir);
void re1000_local_bh_disable(void);
void re1000_local_bh_enable(void);

#endif
