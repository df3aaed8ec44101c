/*
 * pscrun namespace entry, run from .init_array before the .NET runtime starts any thread.
 *
 * User namespaces (unshare or setns) and setns into a mount namespace need a single-threaded process, and a new
 * pid namespace applies to children only. So, when pscrun is started as a container process (_PSC_INIT=<fd>),
 * this constructor joins the namespaces given by path, creates the new ones, lets the parent write the id maps
 * and join the cgroups, and forks: the child returns into .NET (as PID 1 of a new pid namespace), while this
 * process reports the child's pid and exits, so the child is reparented to the caller's subreaper.
 *
 * Messages on the sync socket: 1 type byte, 4-byte little-endian length, payload (all types: SyncMessage.cs).
 *   'U' child -> parent: ready for uid/gid maps and oom_score_adj (only with _PSC_HANDSHAKE);  'M' parent -> child: done
 *   'P' relay -> parent: pid of the container process (decimal);  'E' any -> parent: error text
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static int psc_sync = -1;

static int write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) { if (errno == EINTR) continue; return -1; }
        p += w; n -= (size_t)w;
    }
    return 0;
}

static int read_all(int fd, void *buf, size_t n)
{
    char *p = buf;
    while (n > 0) {
        ssize_t r = read(fd, p, n);
        if (r < 0) { if (errno == EINTR) continue; return -1; }
        if (r == 0) return -1;
        p += r; n -= (size_t)r;
    }
    return 0;
}

static void send_msg(char type, const char *payload, uint32_t len)
{
    char hdr[5];
    hdr[0] = type;
    memcpy(hdr + 1, &len, 4);
    if (write_all(psc_sync, hdr, 5) == 0 && len > 0) write_all(psc_sync, payload, len);
}

static void __attribute__((noreturn, format(printf, 1, 2))) fail(const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0) n = 0;
    if (n >= (int)sizeof buf) n = sizeof buf - 1;
    send_msg('E', buf, (uint32_t)n);
    _exit(1);
}

static int ns_flag(const char *name)
{
    if (!strcmp(name, "user")) return CLONE_NEWUSER;
    if (!strcmp(name, "pid")) return CLONE_NEWPID;
    if (!strcmp(name, "network") || !strcmp(name, "net")) return CLONE_NEWNET;
    if (!strcmp(name, "mount") || !strcmp(name, "mnt")) return CLONE_NEWNS;
    if (!strcmp(name, "ipc")) return CLONE_NEWIPC;
    if (!strcmp(name, "uts")) return CLONE_NEWUTS;
    if (!strcmp(name, "cgroup")) return CLONE_NEWCGROUP;
    if (!strcmp(name, "time")) return CLONE_NEWTIME;
    return 0;
}

__attribute__((constructor)) static void psc_nsinit(void)
{
    const char *s = getenv("_PSC_INIT");
    if (!s) return;
    psc_sync = atoi(s);
    fcntl(psc_sync, F_SETFD, FD_CLOEXEC);

    /*
     * Join the cgroups first, while still fully root in the host's user namespace. A thread moving itself
     * ("0" into a v1 "tasks" file) skips the global threadgroup lock and its RCU grace period, which makes
     * a parent writing our pid to cgroup.procs of every hierarchy many times slower.
     */
    char *cg = getenv("_PSC_CGJOIN") ? strdup(getenv("_PSC_CGJOIN")) : NULL;
    for (char *save = NULL, *file = cg ? strtok_r(cg, "\n", &save) : NULL; file; file = strtok_r(NULL, "\n", &save)) {
        int fd = open(file, O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, "0", 1) != 1) fail("cannot join cgroup '%s': %s", file, strerror(errno));
        close(fd);
    }
    free(cg);

    unsigned long flags = strtoul(getenv("_PSC_NS") ? getenv("_PSC_NS") : "0", NULL, 10);
    int newuser = (flags & CLONE_NEWUSER) != 0;
    flags &= ~(unsigned long)CLONE_NEWUSER;

    /* Namespaces to join: "type:path" lines. Open them all first: joining the mount namespace changes the root. */
    int fds[16], types[16], n = 0, joined_user = 0;
    char *paths = getenv("_PSC_NSPATHS") ? strdup(getenv("_PSC_NSPATHS")) : NULL;
    for (char *save = NULL, *line = paths ? strtok_r(paths, "\n", &save) : NULL; line && n < 16; line = strtok_r(NULL, "\n", &save)) {
        char *colon = strchr(line, ':');
        if (!colon) continue;
        *colon = 0;
        int t = ns_flag(line);
        if (!t) fail("unknown namespace type '%s'", line);
        int fd = open(colon + 1, O_RDONLY | O_CLOEXEC);
        if (fd < 0) fail("cannot open %s namespace path '%s': %s", line, colon + 1, strerror(errno));
        fds[n] = fd; types[n] = t; n++;
    }
    /* the user namespace first, the mount namespace last */
    for (int pass = 0; pass < 3; pass++) {
        for (int i = 0; i < n; i++) {
            int t = types[i];
            if ((pass == 0) != (t == CLONE_NEWUSER)) continue;
            if (pass == 1 && t == CLONE_NEWNS) continue;
            if (pass == 2 && t != CLONE_NEWNS) continue;
            if (setns(fds[i], t) < 0) fail("cannot join namespace (type 0x%x): %s", t, strerror(errno));
            if (t == CLONE_NEWUSER) joined_user = 1;
            close(fds[i]);
        }
    }
    if (newuser && unshare(CLONE_NEWUSER) < 0) fail("cannot create the user namespace: %s", strerror(errno));

    /* let the parent write uid_map/gid_map and oom_score_adj */
    if (getenv("_PSC_HANDSHAKE")) {
        send_msg('U', NULL, 0);
        char hdr[5];
        if (read_all(psc_sync, hdr, 5) < 0 || hdr[0] != 'M') _exit(1);
    }

    if (newuser || joined_user) {
        if (setresgid(0, 0, 0) < 0) fail("setresgid(0) in the user namespace: %s", strerror(errno));
        if (setresuid(0, 0, 0) < 0) fail("setresuid(0) in the user namespace: %s", strerror(errno));
    }
    if (flags && unshare((int)flags) < 0) fail("cannot create namespaces (flags 0x%lx): %s", flags, strerror(errno));

    int gate[2];
    if (pipe2(gate, O_CLOEXEC) < 0) fail("pipe: %s", strerror(errno));
    pid_t pid = fork();
    if (pid < 0) fail("fork: %s", strerror(errno));
    if (pid > 0) {
        char buf[16];
        int len = snprintf(buf, sizeof buf, "%d", (int)pid);
        send_msg('P', buf, (uint32_t)len);
        close(gate[0]);
        write_all(gate[1], "g", 1);
        _exit(0);
    }
    /* the container process: wait until our pid was reported, then start .NET */
    close(gate[1]);
    char c;
    if (read_all(gate[0], &c, 1) < 0) _exit(1);
    close(gate[0]);
    unsetenv("_PSC_NS");
    unsetenv("_PSC_NSPATHS");
    unsetenv("_PSC_CGJOIN");
    unsetenv("_PSC_HANDSHAKE");
    free(paths);
}
