// SPDX-License-Identifier: GPL-2.0
/*
 * Test guest helper (tests/vm/guest.sh): keeps one socket with
 * SO_TIMESTAMP open for the whole boot, so the kernel's receive-timestamp
 * static key stays on and no `ping` live-patches kernel text during a
 * test (docs/testing.md). The parent returns once the option is set; a
 * child holds the socket. In C because starting Python under TCG took
 * over two seconds of every boot.
 */
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	int one = 1;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	pid_t pid;

	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMP, &one, sizeof(one))) {
		perror("hold_timestamp");
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		perror("hold_timestamp: fork");
		return 1;
	}
	if (pid == 0) {
		setsid();
		for (;;)
			pause();
	}
	return 0;
}
