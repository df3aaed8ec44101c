using System.Runtime.InteropServices;
using static PsContainers.FileSystem.Libc;

namespace PsContainers.Monitor;

/// <summary>
/// A program, its arguments and the monitor's environment as the NUL-terminated C arrays posix_spawn takes, built
/// once in unmanaged memory: a healthcheck starts the same "&lt;runtime&gt; exec" every interval, and building argv and
/// envp for each probe (the environment table, a pinned array per string) cost more than the spawn itself and left
/// garbage behind every second. <see cref="Spawn"/> starts the program with the given stdio, default signal
/// dispositions and an empty signal mask (the .NET runtime ignores SIGPIPE; children must not inherit that).
/// </summary>
internal sealed unsafe class SpawnPlan : IDisposable
{
    private readonly byte* _path;
    private readonly byte** _argv, _envp;
    private readonly List<nint> _blocks = new();

    /// <param name="path">the program (a path: no PATH search).</param>
    /// <param name="args">argv, argv[0] included.</param>
    public SpawnPlan(string path, IReadOnlyList<string> args)
    {
        _path = CStr(path);
        _argv = Array(args);
        var env = new List<string>();
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
            env.Add($"{e.Key}={e.Value}");
        _envp = Array(env);
    }

    /// <summary>
    /// posix_spawn the program with stdin/stdout/stderr (-1 = /dev/null), <paramref name="fd3"/> as its fd 3 when not
    /// -1, in a session of its own (setsid) with <paramref name="newSession"/>; the child's pid, or -errno.
    /// </summary>
    public int Spawn(int stdin, int stdout, int stderr, int fd3 = -1, bool newSession = false)
    {
        int devnull = Native.Open("/dev/null", O_RDWR);
        byte* fa = stackalloc byte[256];
        byte* attr = stackalloc byte[512];
        byte* set = stackalloc byte[128];
        posix_spawn_file_actions_init(fa);
        posix_spawn_file_actions_adddup2(fa, stdin >= 0 ? stdin : devnull, 0);
        posix_spawn_file_actions_adddup2(fa, stdout >= 0 ? stdout : devnull, 1);
        posix_spawn_file_actions_adddup2(fa, stderr >= 0 ? stderr : devnull, 2);
        if (fd3 >= 0) posix_spawn_file_actions_adddup2(fa, fd3, 3);
        posix_spawnattr_init(attr);
        sigemptyset(set);
        posix_spawnattr_setsigmask(attr, set);
        sigaddset(set, SIGPIPE);
        posix_spawnattr_setsigdefault(attr, set);
        posix_spawnattr_setflags(attr, (short)(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | (newSession ? POSIX_SPAWN_SETSID : 0)));
        int pid = 0;
        int rc = posix_spawn(&pid, _path, fa, attr, _argv, _envp);
        posix_spawn_file_actions_destroy(fa);
        posix_spawnattr_destroy(attr);
        close(devnull);
        return rc == 0 ? pid : -rc;
    }

    public void Dispose()
    {
        foreach (var b in _blocks) NativeMemory.Free((void*)b);
        _blocks.Clear();
    }

    private byte** Array(IReadOnlyList<string> items)
    {
        var a = (byte**)Alloc((nuint)(items.Count + 1) * (nuint)sizeof(byte*));
        for (int i = 0; i < items.Count; i++) a[i] = CStr(items[i]);
        a[items.Count] = null;
        return a;
    }

    private byte* CStr(string s)
    {
        int n = System.Text.Encoding.UTF8.GetByteCount(s);
        var p = (byte*)Alloc((nuint)n + 1);
        System.Text.Encoding.UTF8.GetBytes(s, new Span<byte>(p, n));
        p[n] = 0;
        return p;
    }

    private void* Alloc(nuint size)
    {
        void* p = NativeMemory.Alloc(size);
        _blocks.Add((nint)p);
        return p;
    }
}
