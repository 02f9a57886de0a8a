// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>
#include "format.h"

const char *endpoint_str(char buf[ENDPOINT_STR_LEN], const union wg_endpoint *ep)
{
	char host[NI_MAXHOST], serv[NI_MAXSERV];
	socklen_t len = ep->addr.sa_family == AF_INET ? sizeof(ep->addr4) :
							  sizeof(ep->addr6);
	int ret;

	ret = getnameinfo(&ep->addr, len, host, sizeof(host), serv, sizeof(serv),
			  NI_DGRAM | NI_NUMERICHOST | NI_NUMERICSERV);
	if (ret)
		snprintf(buf, ENDPOINT_STR_LEN, "%s", gai_strerror(ret));
	else if (ep->addr.sa_family == AF_INET6 && strchr(host, ':'))
		snprintf(buf, ENDPOINT_STR_LEN, "[%s]:%s", host, serv);
	else
		snprintf(buf, ENDPOINT_STR_LEN, "%s:%s", host, serv);
	return buf;
}

const char *ip_str(char buf[INET6_ADDRSTRLEN], const struct wg_allowedip *aip)
{
	if (!inet_ntop(aip->family, &aip->ip6, buf, INET6_ADDRSTRLEN))
		snprintf(buf, INET6_ADDRSTRLEN, "(invalid)");
	return buf;
}
