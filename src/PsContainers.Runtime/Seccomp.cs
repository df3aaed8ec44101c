using System.Runtime.InteropServices;
using PsContainers.Core.Runtime.Spec;
using PsContainers.FileSystem;

namespace PsContainers.Runtime;

/// <summary>
/// linux.seccomp through libseccomp (Debian's libseccomp-dev 2.5.4, libseccomp.a linked into the AOT binary), with
/// runc's reading of the profile: unknown syscall names are skipped, a rule whose action equals the default action is
/// skipped, and a rule with two conditions on the same argument becomes one rule per condition (so they are ORed);
/// otherwise the conditions of a rule are ANDed. Architectures, the syscall numbers of each ABI (x32, i386 on an
/// x86_64 host) and the BPF program are libseccomp's.
/// </summary>
internal static unsafe partial class Seccomp
{
    private const string Lib = "libseccomp";
    private const int EEXIST = 17;
    private const int NR_SCMP_ERROR = -1;
    private const int FLTATR_CTL_NNP = 3, FLTATR_CTL_TSYNC = 4, FLTATR_CTL_LOG = 6, FLTATR_CTL_SSB = 7, FLTATR_CTL_OPTIMIZE = 8, FLTATR_API_SYSRAWRC = 9;

    public const uint ACT_KILL_PROCESS = 0x80000000, ACT_KILL_THREAD = 0, ACT_TRAP = 0x00030000, ACT_ERRNO = 0x00050000,
        ACT_TRACE = 0x7ff00000, ACT_LOG = 0x7ffc0000, ACT_ALLOW = 0x7fff0000;

    /// <summary>struct scmp_arg_cmp.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct ArgCmp { public uint Arg; public int Op; public ulong DatumA; public ulong DatumB; }

    [StructLayout(LayoutKind.Sequential)]
    private struct Version { public uint Major, Minor, Micro; }

    [LibraryImport(Lib)] private static partial IntPtr seccomp_init(uint defAction);
    [LibraryImport(Lib)] private static partial void seccomp_release(IntPtr ctx);
    [LibraryImport(Lib)] private static partial uint seccomp_arch_resolve_name(byte* name);
    [LibraryImport(Lib)] private static partial uint seccomp_arch_native();
    [LibraryImport(Lib)] private static partial int seccomp_arch_exist(IntPtr ctx, uint arch);
    [LibraryImport(Lib)] private static partial int seccomp_arch_add(IntPtr ctx, uint arch);
    [LibraryImport(Lib)] private static partial int seccomp_attr_set(IntPtr ctx, int attr, uint value);
    [LibraryImport(Lib)] private static partial int seccomp_syscall_resolve_name(byte* name);
    [LibraryImport(Lib)] private static partial int seccomp_rule_add_array(IntPtr ctx, uint action, int syscall, uint count, ArgCmp* args);
    [LibraryImport(Lib)] private static partial int seccomp_export_bpf(IntPtr ctx, int fd);
    [LibraryImport(Lib)] private static partial Version* seccomp_version();

    /// <summary>The spec's architecture names (config-linux.md); the last three are unknown to libseccomp 2.5.4.</summary>
    private static readonly string[] SpecArches =
    {
        "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS",
        "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32",
        "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_PARISC",
        "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64", "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB",
    };

    /// <summary>
    /// The ABIs a kernel of the first architecture can run (seccomp_data.arch never holds another value there). Each
    /// architecture in a filter costs libseccomp a whole section of the program, ~5 ms of CPU per container start
    /// with the default profile, so the others are left out. Natives not listed here keep every listed architecture.
    /// </summary>
    private static readonly string[][] KernelAbis =
    {
        new[] { "x86_64", "x86", "x32" },
        new[] { "aarch64", "arm" },
    };

    /// <summary>False for an architecture whose syscalls cannot reach a filter on this kernel.</summary>
    private static bool CanOccurHere(uint token)
    {
        uint native = seccomp_arch_native();
        foreach (var abis in KernelAbis)
        {
            if (Token(abis[0]) != native) continue;
            foreach (var a in abis) if (Token(a) == token) return true;
            return false;
        }
        return true;
    }

    private static uint Token(string name)
    {
        byte* p = stackalloc byte[name.Length + 1];
        for (int i = 0; i < name.Length; i++) p[i] = (byte)name[i];
        p[name.Length] = 0;
        return seccomp_arch_resolve_name(p);
    }

    /// <summary>"libseccomp 2.5.4", for --version.</summary>
    public static string LibraryVersion
    {
        get { var v = seccomp_version(); return $"{v->Major}.{v->Minor}.{v->Micro}"; }
    }

    public static uint Action(string action, uint? errnoRet, string field) => action switch
    {
        "SCMP_ACT_ALLOW" => ACT_ALLOW,
        "SCMP_ACT_ERRNO" => ACT_ERRNO | ((errnoRet ?? 1 /*EPERM*/) & 0xffff),
        "SCMP_ACT_KILL" or "SCMP_ACT_KILL_THREAD" => ACT_KILL_THREAD,
        "SCMP_ACT_KILL_PROCESS" => ACT_KILL_PROCESS,
        "SCMP_ACT_TRAP" => ACT_TRAP,
        "SCMP_ACT_TRACE" => ACT_TRACE | ((errnoRet ?? 1) & 0xffff),
        "SCMP_ACT_LOG" => ACT_LOG,
        "SCMP_ACT_NOTIFY" => throw new RuntimeError($"{field}: SCMP_ACT_NOTIFY is not supported (no seccomp listener support)"),
        _ => throw new RuntimeError($"{field}: unknown seccomp action '{action}'"),
    };

    private static int Operator(string op, string field) => op switch
    {
        "SCMP_CMP_NE" => 1,
        "SCMP_CMP_LT" => 2,
        "SCMP_CMP_LE" => 3,
        "SCMP_CMP_EQ" => 4,
        "SCMP_CMP_GE" => 5,
        "SCMP_CMP_GT" => 6,
        "SCMP_CMP_MASKED_EQ" => 7,
        _ => throw new RuntimeError($"{field}: unknown operator '{op}'"),
    };

    private static int FlagAttribute(string flag) => flag switch
    {
        "SECCOMP_FILTER_FLAG_TSYNC" => FLTATR_CTL_TSYNC,
        "SECCOMP_FILTER_FLAG_LOG" => FLTATR_CTL_LOG,
        "SECCOMP_FILTER_FLAG_SPEC_ALLOW" => FLTATR_CTL_SSB,
        _ => throw new RuntimeError($"linux.seccomp.flags: unknown or unsupported flag '{flag}'"),
    };

    /// <summary>libseccomp's token for a spec architecture name; 0 for one libseccomp does not know. Throws for a name the spec does not list.</summary>
    private static uint ArchToken(string arch)
    {
        if (Array.IndexOf(SpecArches, arch) < 0) throw new RuntimeError($"linux.seccomp.architectures: unknown architecture '{arch}'");
        // SCMP_ARCH_X86_64 -> "x86_64": libseccomp's own names
        return Token(arch["SCMP_ARCH_".Length..].ToLowerInvariant());
    }

    /// <summary>Check the profile without building a filter (create, in the parent). Throws RuntimeError naming the field.</summary>
    public static void Validate(SpecSeccomp s)
    {
        Action(s.DefaultAction, s.DefaultErrnoRet, "linux.seccomp.defaultAction");
        foreach (var a in s.Architectures ?? new()) ArchToken(a);
        foreach (var f in s.Flags ?? new()) FlagAttribute(f);
        if (!string.IsNullOrEmpty(s.ListenerPath)) throw new RuntimeError("linux.seccomp.listenerPath: seccomp user notification is not supported");
        int i = 0;
        foreach (var rule in s.Syscalls ?? new())
        {
            string field = $"linux.seccomp.syscalls[{i++}]";
            Action(rule.Action, rule.ErrnoRet, field + ".action");
            CheckArgs(rule.Args, field);
            if (rule.Names is null || rule.Names.Count == 0) throw new RuntimeError($"{field}.names: empty");
        }
    }

    private static void CheckArgs(List<SpecSyscallArg>? args, string field)
    {
        foreach (var a in args ?? new())
        {
            if (a.Index > 5) throw new RuntimeError($"{field}.args: index {a.Index} is out of range (0-5)");
            Operator(a.Op, field + ".args");
        }
    }

    /// <summary>
    /// A libseccomp filter context built from the profile, ready for <see cref="Load"/>. Built before the
    /// capabilities are dropped and loaded last (see Init.Finalize); nothing here needs privileges.
    /// </summary>
    public static IntPtr Build(SpecSeccomp s)
    {
        Validate(s);
        uint def = Action(s.DefaultAction, s.DefaultErrnoRet, "linux.seccomp.defaultAction");
        IntPtr ctx = seccomp_init(def);
        if (ctx == IntPtr.Zero) throw new RuntimeError("linux.seccomp: seccomp_init failed");
        try
        {
            // the spec's noNewPrivileges decides, not libseccomp (whose default is to set it on load); kernel errors as errno
            Attr(ctx, FLTATR_CTL_NNP, 0, "linux.seccomp");
            Attr(ctx, FLTATR_API_SYSRAWRC, 1, "linux.seccomp");
            foreach (var a in s.Architectures ?? new())
            {
                uint token = ArchToken(a);
                if (token == 0) { Program.Trace($"seccomp: architecture {a} is unknown to libseccomp {LibraryVersion}, skipped"); continue; }
                if (!CanOccurHere(token)) { Program.Trace($"seccomp: architecture {a} cannot occur on this kernel, left out"); continue; }
                if (seccomp_arch_exist(ctx, token) != -EEXIST) continue; // the native one is already there
                int r = seccomp_arch_add(ctx, token);
                if (r < 0) throw new RuntimeError($"linux.seccomp.architectures: cannot add {a}: {Native.Strerror(-r)}", -r);
            }
            foreach (var f in s.Flags ?? new()) Attr(ctx, FlagAttribute(f), 1, "linux.seccomp.flags: " + f);

            int rules = 0, i = 0;
            foreach (var rule in s.Syscalls ?? new())
                rules += AddRule(ctx, rule, def, $"linux.seccomp.syscalls[{i++}]");
            // a binary tree of syscall numbers instead of a linear list for long profiles (libseccomp 2.5.4 mishandles
            // it with no rules at all, so only past a few dozen)
            if (rules > 32) Attr(ctx, FLTATR_CTL_OPTIMIZE, 2, "linux.seccomp");
            Program.Trace($"seccomp: {rules} rules added");
            return ctx;
        }
        catch
        {
            seccomp_release(ctx);
            throw;
        }
    }

    private static int AddRule(IntPtr ctx, SpecSyscall rule, uint def, string field)
    {
        uint act = Action(rule.Action, rule.ErrnoRet, field + ".action");
        if (act == def) return 0; // redundant, and libseccomp refuses it
        var args = rule.Args ?? new();
        int n = args.Count;
        var conds = new ArgCmp[n];
        bool sameIndexTwice = false;
        int seen = 0;
        for (int k = 0; k < n; k++)
        {
            var a = args[k];
            // MASKED_EQ: value is the mask, valueTwo the expected result; the other operators use value only
            conds[k] = new ArgCmp { Arg = a.Index, Op = Operator(a.Op, field + ".args"), DatumA = a.Value, DatumB = a.ValueTwo };
            if ((seen & (1 << (int)a.Index)) != 0) sameIndexTwice = true;
            seen |= 1 << (int)a.Index;
        }
        int added = 0;
        fixed (ArgCmp* cmp = conds)
        {
            foreach (var name in rule.Names)
            {
                int nr = Resolve(name);
                if (nr == NR_SCMP_ERROR)
                {
                    // not a syscall in this libseccomp's tables (another architecture's, or newer): skipped, as runc does
                    Program.Trace($"seccomp: {field}: unknown syscall '{name}' ({rule.Action}) skipped");
                    continue;
                }
                if (n == 0 || !sameIndexTwice) Add(ctx, act, nr, (uint)n, cmp, field, name);
                else
                    // two conditions on one argument would rarely both hold as an AND: each gets its own rule, as in runc
                    for (int k = 0; k < n; k++) Add(ctx, act, nr, 1, cmp + k, field, name);
                added++;
            }
        }
        return added;
    }

    private static void Add(IntPtr ctx, uint act, int nr, uint count, ArgCmp* cmp, string field, string name)
    {
        int r = seccomp_rule_add_array(ctx, act, nr, count, count == 0 ? null : cmp);
        if (r < 0) throw new RuntimeError($"{field}: cannot add the rule for '{name}': {Native.Strerror(-r)}", -r);
    }

    private static int Resolve(string name)
    {
        int len = System.Text.Encoding.UTF8.GetByteCount(name);
        if (len > 64) return NR_SCMP_ERROR;
        byte* p = stackalloc byte[len + 1];
        System.Text.Encoding.UTF8.GetBytes(name, new Span<byte>(p, len));
        p[len] = 0;
        return seccomp_syscall_resolve_name(p);
    }

    private static void Attr(IntPtr ctx, int attr, uint value, string field)
    {
        int r = seccomp_attr_set(ctx, attr, value);
        if (r < 0) throw new RuntimeError($"{field}: not supported by libseccomp or the kernel: {Native.Strerror(-r)}", -r);
    }

    /// <summary>libseccomp's token for the architecture pscrun runs on (part of the cache key).</summary>
    public static uint NativeArch => seccomp_arch_native();

    /// <summary>
    /// The program libseccomp generates for the profile: <c>seccomp_export_bpf</c> into a memfd. seccomp_load runs the
    /// same generator (gen_bpf_generate) on the same context, so this is the program it would install.
    /// </summary>
    public static byte[] Compile(SpecSeccomp s)
    {
        IntPtr ctx = Build(s);
        int fd = -1;
        try
        {
            fd = Memfd(1 /*MFD_CLOEXEC*/);
            if (fd < 0) throw Native.Fail("linux.seccomp: memfd_create", -fd);
            int r = seccomp_export_bpf(ctx, fd);
            if (r < 0) throw new RuntimeError($"linux.seccomp: cannot generate the filter: {Native.Strerror(-r)}", -r);
            var prog = ReadAll(fd);
            Program.Trace($"seccomp: {prog.Length / 8} instructions generated");
            return prog;
        }
        finally
        {
            if (fd >= 0) Libc.close(fd);
            seccomp_release(ctx);
        }
    }

    private static int Memfd(uint flags)
    {
        fixed (byte* name = "pscrun-seccomp\0"u8) return (int)Native.Syscall(319 /*memfd_create*/, (long)name, flags);
    }

    /// <summary>The whole content of a file descriptor from offset 0 (pread: the offset of a shared description stays).</summary>
    public static byte[] ReadAll(int fd)
    {
        using var h = new Microsoft.Win32.SafeHandles.SafeFileHandle((IntPtr)fd, ownsHandle: false);
        var ms = new MemoryStream();
        var buf = new byte[8192];
        long off = 0;
        while (true)
        {
            int n = RandomAccess.Read(h, buf, off);
            if (n <= 0) break;
            ms.Write(buf, 0, n);
            off += n;
            if (off > SeccompCache.MaxInsns * 8) throw new RuntimeError("linux.seccomp: the filter is longer than BPF_MAXINSNS instructions");
        }
        return ms.ToArray();
    }

    /// <summary>A sealed memfd holding the program, for the container process (fd 6 of pscrun init).</summary>
    public static int ToMemfd(byte[] prog)
    {
        int fd = Memfd(1 /*MFD_CLOEXEC*/ | 2 /*MFD_ALLOW_SEALING*/);
        if (fd < 0) throw Native.Fail("linux.seccomp: memfd_create", -fd);
        if (Native.WriteAll(fd, prog) is int e && e != 0) { Libc.close(fd); throw Native.Fail("linux.seccomp: write the filter", e); }
        // F_ADD_SEALS: SEAL_SEAL | SEAL_SHRINK | SEAL_GROW | SEAL_WRITE
        Native.Fcntl(fd, 1033, 1 | 2 | 4 | 8);
        // above the descriptors SpawnInit places (3-6): a low number could be overwritten by one of them before it
        // is moved to 6, or be 6 already (dup2 onto itself keeps close-on-exec)
        int high = Native.Fcntl(fd, 1030 /*F_DUPFD_CLOEXEC*/, 64);
        Libc.close(fd);
        if (high < 0) throw Native.Fail("linux.seccomp: move the filter descriptor", -high);
        return high;
    }

    /// <summary>
    /// Install the program with seccomp(2), as libseccomp 2.5.4's seccomp_load does: SECCOMP_SET_MODE_FILTER with
    /// TSYNC/LOG/SPEC_ALLOW from the profile's flags; no_new_privs is not touched (CTL_NNP is cleared in Build).
    /// </summary>
    public static void Load(byte[] prog, SpecSeccomp s)
    {
        if (SeccompCache.Check(prog) is string bad) throw new RuntimeError($"linux.seccomp: the filter handed to the container process is unusable: {bad}");
        ulong flags = 0;
        foreach (var f in s.Flags ?? new())
            flags |= f switch
            {
                "SECCOMP_FILTER_FLAG_TSYNC" => 1UL,
                "SECCOMP_FILTER_FLAG_LOG" => 2UL,
                "SECCOMP_FILTER_FLAG_SPEC_ALLOW" => 4UL,
                _ => throw new RuntimeError($"linux.seccomp.flags: unknown or unsupported flag '{f}'"),
            };
        // libseccomp adds TSYNC_ESRCH to TSYNC when the kernel knows it (probe: a NULL program gives EFAULT, not EINVAL)
        if ((flags & 1) != 0 && Native.Syscall(317, 1, 16 /*SECCOMP_FILTER_FLAG_TSYNC_ESRCH*/, 0) == -14 /*EFAULT*/) flags |= 16;
        Program.Trace($"seccomp: load {prog.Length / 8} instructions, flags {flags}");
        long r;
        fixed (byte* p = prog)
        {
            // struct sock_fprog { unsigned short len; struct sock_filter *filter; }
            ulong* fprog = stackalloc ulong[2];
            fprog[0] = (ulong)(prog.Length / 8);
            fprog[1] = (ulong)p;
            r = Native.Syscall(317 /*seccomp*/, 1 /*SECCOMP_SET_MODE_FILTER*/, (long)flags, (long)fprog);
        }
        // with TSYNC a positive result is the thread that could not be synchronised: libseccomp reports ESRCH
        if (r > 0) r = -3 /*ESRCH*/;
        if (r < 0) throw new RuntimeError($"cannot install the seccomp filter: {Native.Strerror((int)-r)}", (int)-r);
    }
}
