/*
 * forwarded.h
 *    The client's address as the service sees it behind its proxies.
 */
#ifndef CONSORTIA_FORWARDED_H
#define CONSORTIA_FORWARDED_H

/*
 * The client's address behind proxies: when the peer is one of the trusted
 * proxies, the rightmost X-Forwarded-For entry that is not a trusted proxy
 * (each proxy appends the address it saw); otherwise, or when that entry is
 * not an IP address, the peer itself. The result is written to out.
 */
void forwarded_client(const char *peer, const char *x_forwarded_for, char *const *trusted, char out[64]);

#endif
