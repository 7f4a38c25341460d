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

void re1000_netif_tx_disable(struct net_device *dev)
{
	netif_tx_disable(dev);
}

void re1000_netif_wake_queue(struct net_device *dev)
{
	netif_wake_queue(dev);
}

bool re1000_netif_queue_stopped(const struct net_device *dev)
{
	return netif_queue_stopped(dev);
}

bool re1000_netif_xmit_stopped(const struct net_device *dev)
{
	return netif_xmit_stopped(netdev_get_tx_queue(dev, 0));
}

bool re1000_netdev_xmit_more(void)
{
	return netdev_xmit_more();
}

void re1000_netdev_sent_queue(struct net_device *dev, unsigned int bytes)
{
	netdev_sent_queue(dev, bytes);
}

void re1000_netdev_completed_queue(struct net_device *dev, unsigned int pkts,
				   unsigned int bytes)
{
	netdev_completed_queue(dev, pkts, bytes);
}

void re1000_netdev_reset_queue(struct net_device *dev)
{
	netdev_reset_queue(dev);
}

void re1000_netif_napi_add(struct net_device *dev, struct napi_struct *napi,
			   int (*poll)(struct napi_struct *, int))
{
	netif_napi_add(dev, napi, poll);
}

void re1000_netif_napi_del(struct napi_struct *napi)
{
	netif_napi_del(napi);
}

bool re1000_napi_schedule(struct napi_struct *napi)
{
	return napi_schedule(napi);
}

void re1000_napi_gro_receive(struct napi_struct *napi, struct sk_buff *skb)
{
	napi_gro_receive(napi, skb);
}

struct sk_buff *re1000_netdev_alloc_skb_ip_align(struct net_device *dev,
						 unsigned int len)
{
	return netdev_alloc_skb_ip_align(dev, len);
}

void *re1000_netdev_alloc_frag(unsigned int fragsz)
{
	return netdev_alloc_frag(fragsz);
}

void re1000_skb_free_frag(void *addr)
{
	skb_free_frag(addr);
}

unsigned int re1000_skb_head_align(unsigned int len)
{
	return SKB_HEAD_ALIGN(len);
}

void re1000_skb_reserve(struct sk_buff *skb, int len)
{
	skb_reserve(skb, len);
}

unsigned char *re1000_skb_data(const struct sk_buff *skb)
{
	return skb->data;
}

void re1000_skb_get(struct sk_buff *skb)
{
	skb_get(skb);
}

unsigned int re1000_skb_headlen(const struct sk_buff *skb)
{
	return skb_headlen(skb);
}

unsigned int re1000_skb_nr_frags(const struct sk_buff *skb)
{
	return skb_shinfo(skb)->nr_frags;
}

unsigned int re1000_skb_frag_size(const struct sk_buff *skb, unsigned int i)
{
	return skb_frag_size(&skb_shinfo(skb)->frags[i]);
}

dma_addr_t re1000_skb_frag_dma_map(struct device *dev, const struct sk_buff *skb,
				   unsigned int i)
{
	return skb_frag_dma_map(dev, &skb_shinfo(skb)->frags[i]);
}

int re1000_skb_put_padto(struct sk_buff *skb, unsigned int len)
{
	return skb_put_padto(skb, len);
}

void re1000_skb_tx_timestamp(struct sk_buff *skb)
{
	skb_tx_timestamp(skb);
}

void re1000_skb_set_protocol_eth(struct sk_buff *skb, struct net_device *dev)
{
	skb->protocol = eth_type_trans(skb, dev);
}

dma_addr_t re1000_dma_map_single(struct device *dev, void *ptr, size_t size,
				 enum dma_data_direction dir)
{
	return dma_map_single(dev, ptr, size, dir);
}

void re1000_dma_unmap_single(struct device *dev, dma_addr_t addr, size_t size,
			     enum dma_data_direction dir)
{
	dma_unmap_single(dev, addr, size, dir);
}

void re1000_dma_unmap_page(struct device *dev, dma_addr_t addr, size_t size,
			   enum dma_data_direction dir)
{
	dma_unmap_page(dev, addr, size, dir);
}

int re1000_dma_mapping_error(struct device *dev, dma_addr_t addr)
{
	return dma_mapping_error(dev, addr);
}

void re1000_dma_sync_single_for_cpu(struct device *dev, dma_addr_t addr,
				    size_t size, enum dma_data_direction dir)
{
	dma_sync_single_for_cpu(dev, addr, size, dir);
}

void re1000_dma_sync_single_for_device(struct device *dev, dma_addr_t addr,
				       size_t size, enum dma_data_direction dir)
{
	dma_sync_single_for_device(dev, addr, size, dir);
}

void re1000_local_bh_disable(void)
{
	local_bh_disable();
}

void re1000_local_bh_enable(void)
{
	local_bh_enable();
}


bool re1000_skb_csum_partial(const struct sk_buff *skb)
{
	return skb->ip_summed == CHECKSUM_PARTIAL;
}

unsigned int re1000_skb_checksum_start_offset(const struct sk_buff *skb)
{
	return skb_checksum_start_offset(skb);
}

unsigned int re1000_skb_csum_offset(const struct sk_buff *skb)
{
	return skb->csum_offset;
}

bool re1000_skb_is_gso(const struct sk_buff *skb)
{
	return skb_is_gso(skb);
}

bool re1000_skb_is_gso_tcpv4(const struct sk_buff *skb)
{
	return skb_shinfo(skb)->gso_type & SKB_GSO_TCPV4;
}

unsigned int re1000_skb_gso_size(const struct sk_buff *skb)
{
	return skb_shinfo(skb)->gso_size;
}

unsigned int re1000_skb_gso_segs(const struct sk_buff *skb)
{
	return skb_shinfo(skb)->gso_segs;
}

int re1000_skb_network_offset(const struct sk_buff *skb)
{
	return skb_network_offset(skb);
}

int re1000_skb_transport_offset(const struct sk_buff *skb)
{
	return skb_transport_offset(skb);
}

unsigned int re1000_tcp_hdrlen(const struct sk_buff *skb)
{
	return tcp_hdrlen(skb);
}

int re1000_skb_cow_head(struct sk_buff *skb)
{
	return skb_cow_head(skb, 0);
}
