using System.Runtime.InteropServices;
using System.Text;
using PsContainers.FileSystem;

namespace PsContainers.Core.Util;

public partial interface ISyscalls
{
    /// <summary>
    /// posix_spawn <paramref name="path"/> with the given descriptors as its stdin/stdout/stderr (-1: /dev/null).
    /// Returns the pid; throws PscException on failure. The caller must reap it with <see cref="WaitPid"/>.
    /// <paramref name="newSession"/> starts it in a session of its own (POSIX_SPAWN_SETSID), so that a Ctrl+C typed on
    /// this process' terminal (SIGINT to the foreground process group) does not reach it: the caller decides what it gets.
    /// </summary>
    int Spawn(string path, IReadOnlyList<string> args, IReadOnlyList<string>? env, int stdin, int stdout, int stderr, bool newSession = false);

    /// <summary>waitpid(2) for one pid, retrying on EINTR. Returns the exit code, or 128+signal.</summary>
    int WaitPid(int pid);

    /// <summary>kill(2); returns 0 or the errno.</summary>
    int Kill(int pid, int signal);
}

public partial class LinuxSyscalls
{
    public unsafe int Spawn(string path, IReadOnlyList<string> args, IReadOnlyList<string>? env, int stdin, int stdout, int stderr, bool newSession = false)
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
        byte* attr = stackalloc byte[512];
        try
        {
            for (int i = 0; i < args.Count; i++) argv[i] = Pin(args[i]);
            argv[args.Count] = null;
            for (int i = 0; i < env.Count; i++) envp[i] = Pin(env[i]);
            envp[env.Count] = null;
            Libc.posix_spawn_file_actions_init(fa);
            byte* devnull = Pin("/dev/null");
            int[] fds = { stdin, stdout, stderr };
            for (int i = 0; i < 3; i++)
            {
                if (fds[i] < 0) Libc.posix_spawn_file_actions_addopen(fa, i, devnull, i == 0 ? Libc.O_RDONLY : Libc.O_WRONLY, 0);
                else Libc.posix_spawn_file_actions_adddup2(fa, fds[i], i);
            }
            int pid;
            Libc.posix_spawnattr_init(attr);
            if (newSession) Libc.posix_spawnattr_setflags(attr, (short)Libc.POSIX_SPAWN_SETSID);
            int r = Libc.posix_spawn(&pid, Pin(path), fa, attr, argv, envp);
            Libc.posix_spawn_file_actions_destroy(fa);
            Libc.posix_spawnattr_destroy(attr);
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

    public unsafe int WaitPid(int pid)
    {
        while (true)
        {
            int status;
            int r = Libc.waitpid(pid, &status, 0);
            if (r == pid) return Libc.DecodeWaitStatus(status);
            int e = Libc.Errno;
            if (e == 4 /*EINTR*/) continue;
            throw new PscException(ErrorIds.WaitFailed, PscErrorCategory.InvalidOperation, $"waitpid({pid}) failed: {Marshal.GetPInvokeErrorMessage(e)}.", pid);
        }
    }

    public int Kill(int pid, int signal)
    {
        int r = Libc.kill(pid, signal);
        return r == 0 ? 0 : Libc.Errno;
    }
}
