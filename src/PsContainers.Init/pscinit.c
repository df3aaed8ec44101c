/*
 * pscinit: the minimal init that `Invoke-ContainerImage -Init` runs as PID 1 of a container (like docker's
 * tini or podman's catatonit). It starts the container's command as its only child, forwards the signals it
 * receives to that child, reaps every orphan that gets reparented to it, and exits with the child's status
 * (128 + signal number when the child was killed by a signal). Built statically so it runs in any image.
 *
 * Usage: pscinit [--] PROGRAM [ARGS...]
 *        pscinit [--] --pause
 *
 * --pause is the pause process of a pod's infra container (podman's catatonit -P, Kubernetes' pause): it runs no
 * program, holds the pod's namespaces, reaps whatever is reparented to it, and exits 0 on SIGTERM, SIGINT or SIGHUP.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static int forwarded(int sig)
{
    /* signals that belong to this process's own bookkeeping or cannot be caught */
    return !(sig == SIGCHLD || sig == SIGKILL || sig == SIGSTOP || sig == SIGSEGV || sig == SIGBUS ||
             sig == SIGFPE || sig == SIGILL || sig == SIGABRT || sig == SIGTRAP || sig == SIGSYS ||
             sig == SIGTTIN || sig == SIGTTOU || sig == SIGTSTP);
}

/* the next signal of set (all of them blocked), retried on EINTR; -1 (reported) on another error */
static int next_signal(const sigset_t *set)
{
    siginfo_t info;
    for (;;) {
        int sig = sigwaitinfo(set, &info);
        if (sig >= 0) return sig;
        if (errno == EINTR) continue;
        fprintf(stderr, "pscinit: sigwaitinfo: %s\n", strerror(errno));
        return -1;
    }
}

/* the pause process: sleep until a terminating signal, reaping children meanwhile */
static int pause_forever(void)
{
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    if (getpid() != 1) prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    for (;;) {
        int sig = next_signal(&all);
        if (sig < 0) return 1;
        if (sig == SIGCHLD) {
            while (waitpid(-1, NULL, WNOHANG) > 0) { }
            continue;
        }
        if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP) return 0;
    }
}

int main(int argc, char **argv)
{
    int first = 1;
    if (argc > 1 && strcmp(argv[1], "--") == 0) first = 2;
    if (first >= argc) {
        fprintf(stderr, "pscinit: usage: pscinit [--] PROGRAM [ARGS...]\n");
        return 2;
    }
    if (strcmp(argv[first], "--pause") == 0 && first + 1 == argc) return pause_forever();

    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_SETMASK, &all, &old);

    /* not PID 1 (e.g. in a shared pid namespace): still reap our descendants */
    if (getpid() != 1) prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

    pid_t child = fork();
    if (child < 0) {
        fprintf(stderr, "pscinit: fork: %s\n", strerror(errno));
        return 1;
    }
    if (child == 0) {
        /* its own process group, in the terminal's foreground when there is one (signals still blocked, so
           tcsetpgrp from what is now a background group does not stop us with SIGTTOU) */
        setpgid(0, 0);
        if (isatty(STDIN_FILENO)) tcsetpgrp(STDIN_FILENO, getpid());
        sigprocmask(SIG_SETMASK, &old, NULL);
        execvp(argv[first], argv + first);
        fprintf(stderr, "pscinit: exec %s: %s\n", argv[first], strerror(errno));
        _exit(errno == ENOENT ? 127 : 126);
    }
    setpgid(child, child);

    int status = 0, exit_code = -1;
    for (;;) {
        int sig = next_signal(&all);
        if (sig < 0) return 1;
        if (sig != SIGCHLD) {
            if (forwarded(sig) && exit_code < 0) kill(child, sig);
            continue;
        }
        /* reap everything that has exited: the child, and orphans reparented to us */
        pid_t p;
        while ((p = waitpid(-1, &status, WNOHANG)) > 0) {
            if (p == child)
                exit_code = WIFEXITED(status) ? WEXITSTATUS(status)
                          : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 1;
        }
        if (exit_code >= 0) {
            /* the main child is gone: give the rest of the group a TERM, reap what is left, and leave */
            kill(-child, SIGTERM);
            while (waitpid(-1, NULL, WNOHANG) > 0) { }
            return exit_code;
        }
    }
}
