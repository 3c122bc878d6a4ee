/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Socket addresses (struct sockaddr_in or sockaddr_in6 in a sockaddr_storage): equality of
 * address and port, the port in host order, and the text forms the command line, the config
 * file, logs and srtprelay-ctl use ("ADDR:PORT", "[V6]:PORT", "ADDR", "PORT").
 */
#ifndef SRTPRELAY_ADDR_H
#define SRTPRELAY_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Same family, address and port (nothing else of the sockaddr counts). */
bool addr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b);
/* Same family and address, any port. */
bool addr_same_host(const struct sockaddr_storage *a, const struct sockaddr_storage *b);
/* True if ss has a family, a non-zero port and a specified address. */
bool addr_usable(const struct sockaddr_storage *ss);
socklen_t addr_len(const struct sockaddr_storage *ss);
/* The port of an AF_INET / AF_INET6 address, in host order; setting it. */
uint16_t addr_port(const struct sockaddr_storage *ss);
void addr_set_port(struct sockaddr_storage *ss, uint16_t port);
/* Parses an IPv4 or IPv6 address of len characters (port 0). */
int addr_parse_ip(const char *s, size_t len, struct sockaddr_storage *ss);
/* Parses "ADDR:PORT", "[V6]:PORT", "ADDR" or "PORT" (then on loopback) into ss. */
int addr_parse(const char *s, struct sockaddr_storage *ss, bool need_port);
/* Formats an address (and the port if non-zero) as text. */
const char *addr_str(const struct sockaddr_storage *ss, char *buf, size_t size);

#endif
