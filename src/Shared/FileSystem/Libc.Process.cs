using System.Runtime.InteropServices;

namespace PsContainers.FileSystem;

internal static unsafe partial class Libc
{
    // processes, identities, namespaces and signals: pscrun (init, exec, hooks), pscmon (supervision), the engine's ISyscalls
    public const int SIGKILL = 9, SIGPIPE = 13, SIGTERM = 15, SIGCHLD = 17;
    public const int WNOHANG = 1;
    public const int PR_SET_CHILD_SUBREAPER = 36;
    public const int POSIX_SPAWN_SETSIGDEF = 0x04, POSIX_SPAWN_SETSIGMASK = 0x08, POSIX_SPAWN_SETSID = 0x80;
    public const int LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8;
    public const int F_SETFD = 2, FD_CLOEXEC = 1;
    public const int CLONE_NEWNET = 0x40000000;
    public const long SYS_pivot_root = 155, SYS_pidfd_send_signal = 424, SYS_pidfd_open = 434;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true)]
    public static partial int open(byte* path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "dup2", SetLastError = true)]
    public static partial int dup2(int oldfd, int newfd);

    [LibraryImport("libc", EntryPoint = "pipe2", SetLastError = true)]
    public static partial int pipe2(int* fds, int flags);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    public static partial int flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int ioctl(int fd, nuint request, void* arg);

    [LibraryImport("libc", EntryPoint = "getpid")]
    public static partial int getpid();

    [LibraryImport("libc", EntryPoint = "setsid", SetLastError = true)]
    public static partial int setsid();

    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    public static partial int prctl(int option, ulong a2, ulong a3, ulong a4, ulong a5);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int kill(int pid, int sig);

    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    public static partial int waitpid(int pid, int* status, int options);

    [LibraryImport("libc", EntryPoint = "execve", SetLastError = true)]
    public static partial int execve(byte* path, byte** argv, byte** envp);

    [LibraryImport("libc", EntryPoint = "unshare", SetLastError = true)]
    public static partial int unshare(int flags);

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    public static partial int setns(int fd, int nstype);

    [LibraryImport("libc", EntryPoint = "chdir", SetLastError = true)]
    public static partial int chdir(byte* path);

    [LibraryImport("libc", EntryPoint = "fchdir", SetLastError = true)]
    public static partial int fchdir(int fd);

    [LibraryImport("libc", EntryPoint = "chroot", SetLastError = true)]
    public static partial int chroot(byte* path);

    [LibraryImport("libc", EntryPoint = "realpath", SetLastError = true)]
    public static partial byte* realpath(byte* path, byte* resolved);

    [LibraryImport("libc", EntryPoint = "sethostname", SetLastError = true)]
    public static partial int sethostname(byte* name, nint len);

    [LibraryImport("libc", EntryPoint = "setdomainname", SetLastError = true)]
    public static partial int setdomainname(byte* name, nint len);

    [LibraryImport("libc", EntryPoint = "mknod", SetLastError = true)]
    public static partial int mknod(byte* path, uint mode, ulong dev);

    [LibraryImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    public static partial int mkfifo(byte* path, uint mode);

    [LibraryImport("libc", EntryPoint = "symlink", SetLastError = true)]
    public static partial int symlink(byte* target, byte* linkpath);

    [LibraryImport("libc", EntryPoint = "lchown", SetLastError = true)]
    public static partial int lchown(byte* path, uint uid, uint gid);

    /// <summary>lstat(2); <paramref name="buf"/> is a struct stat (144 bytes on x86-64).</summary>
    [LibraryImport("libc", EntryPoint = "lstat", SetLastError = true)]
    public static partial int lstat(byte* path, void* buf);

    [LibraryImport("libc", EntryPoint = "setresuid", SetLastError = true)]
    public static partial int setresuid(uint r, uint e, uint s);

    [LibraryImport("libc", EntryPoint = "setresgid", SetLastError = true)]
    public static partial int setresgid(uint r, uint e, uint s);

    [LibraryImport("libc", EntryPoint = "setgroups", SetLastError = true)]
    public static partial int setgroups(nint n, uint* list);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    public static partial int setrlimit(int resource, ulong* limits);

    /// <summary>signal(2); <paramref name="handler"/> 0 = SIG_DFL, 1 = SIG_IGN.</summary>
    [LibraryImport("libc", EntryPoint = "signal")]
    public static partial nint signal(int sig, nint handler);

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    public static partial int madvise(nint addr, nint length, int advice);

    [LibraryImport("libc", EntryPoint = "umask")]
    public static partial uint umask(uint mask);

    // posix_spawn: the attribute and file-action objects are opaque buffers (glibc: 336 and 80 bytes; callers give more)
    [LibraryImport("libc", EntryPoint = "posix_spawn")]
    public static partial int posix_spawn(int* pid, byte* path, byte* fileActions, byte* attr, byte** argv, byte** envp);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_init")]
    public static partial int posix_spawn_file_actions_init(byte* fa);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_destroy")]
    public static partial int posix_spawn_file_actions_destroy(byte* fa);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_adddup2")]
    public static partial int posix_spawn_file_actions_adddup2(byte* fa, int fd, int newfd);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_addopen")]
    public static partial int posix_spawn_file_actions_addopen(byte* fa, int fd, byte* path, int oflag, uint mode);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_init")]
    public static partial int posix_spawnattr_init(byte* attr);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_destroy")]
    public static partial int posix_spawnattr_destroy(byte* attr);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setflags")]
    public static partial int posix_spawnattr_setflags(byte* attr, short flags);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setsigdefault")]
    public static partial int posix_spawnattr_setsigdefault(byte* attr, byte* set);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setsigmask")]
    public static partial int posix_spawnattr_setsigmask(byte* attr, byte* set);

    [LibraryImport("libc", EntryPoint = "sigemptyset")]
    public static partial int sigemptyset(byte* set);

    [LibraryImport("libc", EntryPoint = "sigfillset")]
    public static partial int sigfillset(byte* set);

    [LibraryImport("libc", EntryPoint = "sigaddset")]
    public static partial int sigaddset(byte* set, int sig);

    /// <summary>A waitpid status as a shell exit code: the exit status, or 128 + the signal that ended the process.</summary>
    public static int DecodeWaitStatus(int status)
    {
        int sig = status & 0x7f;
        return sig == 0 ? (status >> 8) & 0xff : 128 + sig;
    }
}
