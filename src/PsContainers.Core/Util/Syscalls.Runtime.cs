using System.Runtime.InteropServices;
using System.Text;

namespace PsContainers.Core.Util;

public partial interface ISyscalls
{
    /// <summary>
    /// posix_spawn <paramref name="path"/> with the given descriptors as its stdin/stdout/stderr (-1: /dev/null).
    /// Returns the pid; throws PscException on failure. The caller must reap it with <see cref="WaitPid"/>.
    /// </summary>
    int Spawn(string path, IReadOnlyList<string> args, IReadOnlyList<string>? env, int stdin, int stdout, int stderr);

    /// <summary>waitpid(2) for one pid, retrying on EINTR. Returns the exit code, or 128+signal.</summary>
    int WaitPid(int pid);

    /// <summary>kill(2); returns 0 or the errno.</summary>
    int Kill(int pid, int signal);
}

public partial class LinuxSyscalls
{
    [LibraryImport("libc", EntryPoint = "posix_spawn")]
    private static unsafe partial int posix_spawn_native(out int pid, byte* path, void* fileActions, void* attr, byte** argv, byte** envp);
    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_init")]
    private static unsafe partial int posix_spawn_file_actions_init(void* fa);
    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_destroy")]
    private static unsafe partial int posix_spawn_file_actions_destroy(void* fa);
    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_adddup2")]
    private static unsafe partial int posix_spawn_file_actions_adddup2(void* fa, int fd, int newfd);
    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_addopen")]
    private static unsafe partial int posix_spawn_file_actions_addopen(void* fa, int fd, byte* path, int oflag, uint mode);
    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    private static partial int waitpid_native(int pid, out int status, int options);
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int kill_native(int pid, int sig);

    public unsafe int Spawn(string path, IReadOnlyList<string> args, IReadOnlyList<string>? env, int stdin, int stdout, int stderr)
    {
        env ??= Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Select(e => $"{e.Key}={e.Value}").ToList();
        var handles = new List<GCHandle>();
        byte* Pin(string s)
        {
            var h = GCHandle.Alloc(Encoding.UTF8.GetBytes(s + "\0"), GCHandleType.Pinned);
            handles.Add(h);
            return (byte*)h.AddrOfPinnedObject();
        }
        byte** argv = stackalloc byte*[args.Count + 1];
        byte** envp = (byte**)NativeMemory.Alloc((nuint)(env.Count + 1), (nuint)sizeof(void*));
        byte* fa = stackalloc byte[256];
        try
        {
            for (int i = 0; i < args.Count; i++) argv[i] = Pin(args[i]);
            argv[args.Count] = null;
            for (int i = 0; i < env.Count; i++) envp[i] = Pin(env[i]);
            envp[env.Count] = null;
            posix_spawn_file_actions_init(fa);
            byte* devnull = Pin("/dev/null");
            int[] fds = { stdin, stdout, stderr };
            for (int i = 0; i < 3; i++)
            {
                if (fds[i] < 0) posix_spawn_file_actions_addopen(fa, i, devnull, i == 0 ? 0 : 1, 0);
                else posix_spawn_file_actions_adddup2(fa, fds[i], i);
            }
            int r = posix_spawn_native(out int pid, Pin(path), fa, null, argv, envp);
            posix_spawn_file_actions_destroy(fa);
            if (r != 0)
                throw new PscException(ErrorIds.SpawnFailed, PscErrorCategory.ResourceUnavailable, $"Cannot start '{path}': {Marshal.GetPInvokeErrorMessage(r)}.", path);
            return pid;
        }
        finally
        {
            foreach (var h in handles) h.Free();
            NativeMemory.Free(envp);
        }
    }

    public int WaitPid(int pid)
    {
        while (true)
        {
            int r = waitpid_native(pid, out int status, 0);
            if (r == pid)
            {
                if ((status & 0x7f) == 0) return (status >> 8) & 0xff;
                return 128 + (status & 0x7f);
            }
            int e = Marshal.GetLastPInvokeError();
            if (e == 4 /*EINTR*/) continue;
            throw new PscException(ErrorIds.WaitFailed, PscErrorCategory.InvalidOperation, $"waitpid({pid}) failed: {Marshal.GetPInvokeErrorMessage(e)}.", pid);
        }
    }

    public int Kill(int pid, int signal)
    {
        int r = kill_native(pid, signal);
        return r == 0 ? 0 : Marshal.GetLastPInvokeError();
    }
}
