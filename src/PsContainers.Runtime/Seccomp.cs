using System.Runtime.InteropServices;
using PsContainers.Core.Runtime.Spec;

namespace PsContainers.Runtime;

/// <summary>
/// Compiles a runtime-spec seccomp profile into a classic BPF program (x86_64) and installs it.
/// Layout: check the architecture, load the syscall number, then one small block per (rule, syscall name) in
/// profile order: the first block whose number and argument conditions match returns its action; otherwise the
/// default action. Blocks jump only forward within themselves, so no jump exceeds the 8-bit BPF offsets.
/// </summary>
internal static unsafe class Seccomp
{
    private const uint AUDIT_ARCH_X86_64 = 0xC000003E;
    private const ushort LD_W_ABS = 0x20, JEQ_K = 0x15, JGT_K = 0x25, JGE_K = 0x35, JSET_K = 0x45, RET_K = 0x06, AND_K = 0x54, JA = 0x05;

    public const uint RET_KILL_PROCESS = 0x80000000, RET_KILL_THREAD = 0, RET_TRAP = 0x00030000, RET_ERRNO = 0x00050000,
        RET_TRACE = 0x7ff00000, RET_LOG = 0x7ffc0000, RET_ALLOW = 0x7fff0000;

    [StructLayout(LayoutKind.Sequential)]
    public struct SockFilter { public ushort Code; public byte Jt; public byte Jf; public uint K; }

    private static readonly string[] KnownArches =
    {
        "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS",
        "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32",
        "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_PARISC",
        "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64", "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB",
    };

    public static uint Action(string action, uint? errnoRet, string field)
    {
        return action switch
        {
            "SCMP_ACT_ALLOW" => RET_ALLOW,
            "SCMP_ACT_ERRNO" => RET_ERRNO | ((errnoRet ?? 1) & 0xffff),
            "SCMP_ACT_KILL" or "SCMP_ACT_KILL_THREAD" => RET_KILL_THREAD,
            "SCMP_ACT_KILL_PROCESS" => RET_KILL_PROCESS,
            "SCMP_ACT_TRAP" => RET_TRAP,
            "SCMP_ACT_TRACE" => RET_TRACE | ((errnoRet ?? 1) & 0xffff),
            "SCMP_ACT_LOG" => RET_LOG,
            "SCMP_ACT_NOTIFY" => throw new RuntimeError($"{field}: SCMP_ACT_NOTIFY is not supported (no seccomp listener support)"),
            _ => throw new RuntimeError($"{field}: unknown seccomp action '{action}'"),
        };
    }

    /// <summary>Validate and compile. Throws RuntimeError naming the field on bad input.</summary>
    public static SockFilter[] Compile(SpecSeccomp s)
    {
        uint def = Action(s.DefaultAction, s.DefaultErrnoRet, "linux.seccomp.defaultAction");
        foreach (var a in s.Architectures ?? new())
            if (Array.IndexOf(KnownArches, a) < 0) throw new RuntimeError($"linux.seccomp.architectures: unknown architecture '{a}'");
        foreach (var f in s.Flags ?? new())
            if (f is not ("SECCOMP_FILTER_FLAG_TSYNC" or "SECCOMP_FILTER_FLAG_LOG" or "SECCOMP_FILTER_FLAG_SPEC_ALLOW"))
                throw new RuntimeError($"linux.seccomp.flags: unknown or unsupported flag '{f}'");
        if (!string.IsNullOrEmpty(s.ListenerPath)) throw new RuntimeError("linux.seccomp.listenerPath: seccomp user notification is not supported");

        var prog = new List<SockFilter>();
        // architecture: a foreign ABI gets the default action when it is permissive, else is killed
        prog.Add(Stmt(LD_W_ABS, 4));
        prog.Add(Jump(JEQ_K, AUDIT_ARCH_X86_64, 1, 0));
        prog.Add(Stmt(RET_K, def == RET_ALLOW ? RET_ALLOW : RET_KILL_PROCESS));
        prog.Add(Stmt(LD_W_ABS, 0));
        // x32 ABI numbers (bit 30) never match an x86_64 rule: they fall through to the default action.

        var syscalls = s.Syscalls ?? new();
        // rules with argument conditions first for the same action order, so conditional entries are tested before unconditional ones
        var ordered = syscalls.Select((r, i) => (r, i)).OrderBy(x => x.r.Args is { Count: > 0 } ? 0 : 1).ThenBy(x => x.i).Select(x => x.r);
        int ri = 0;
        foreach (var rule in ordered)
        {
            string field = $"linux.seccomp.syscalls[{ri++}]";
            uint act = Action(rule.Action, rule.ErrnoRet, field + ".action");
            foreach (var a in rule.Args ?? new())
            {
                if (a.Index > 5) throw new RuntimeError($"{field}.args: index {a.Index} is out of range (0-5)");
                if (a.Op is not ("SCMP_CMP_NE" or "SCMP_CMP_LT" or "SCMP_CMP_LE" or "SCMP_CMP_EQ" or "SCMP_CMP_GE" or "SCMP_CMP_GT" or "SCMP_CMP_MASKED_EQ"))
                    throw new RuntimeError($"{field}.args: unknown operator '{a.Op}'");
            }
            if (rule.Names is null || rule.Names.Count == 0) throw new RuntimeError($"{field}.names: empty");
            foreach (var name in rule.Names)
            {
                int nr = SyscallTable.X86_64(name);
                if (nr < 0) continue; // names of other architectures or newer kernels are skipped, as runc does
                if (act == def && (rule.Args is null || rule.Args.Count == 0)) continue; // same as the default: nothing to do
                EmitBlock(prog, (uint)nr, rule.Args, act);
            }
        }
        prog.Add(Stmt(RET_K, def));
        if (prog.Count > 4096) throw new RuntimeError($"linux.seccomp: the profile compiles to {prog.Count} BPF instructions (kernel limit 4096)");
        return prog.ToArray();
    }

    private static void EmitBlock(List<SockFilter> prog, uint nr, List<SpecSyscallArg>? args, uint act)
    {
        var body = new List<SockFilter>();
        // each condition jumps to FAIL (index marked with byte.MaxValue placeholders resolved below)
        var fails = new List<(int Index, bool IsJt)>();
        foreach (var a in args ?? new())
        {
            uint lo = (uint)a.Value, hi = (uint)(a.Value >> 32);
            uint loOff = 16 + a.Index * 8, hiOff = loOff + 4;
            switch (a.Op)
            {
                case "SCMP_CMP_EQ":
                    body.Add(Stmt(LD_W_ABS, hiOff));
                    fails.Add((body.Count, false)); body.Add(Jump(JEQ_K, hi, 0, 0));
                    body.Add(Stmt(LD_W_ABS, loOff));
                    fails.Add((body.Count, false)); body.Add(Jump(JEQ_K, lo, 0, 0));
                    break;
                case "SCMP_CMP_NE":
                    // pass when hi != vhi, or lo != vlo
                    body.Add(Stmt(LD_W_ABS, hiOff));
                    body.Add(Jump(JEQ_K, hi, 0, 2));          // hi differs -> skip the lo test (pass)
                    body.Add(Stmt(LD_W_ABS, loOff));
                    fails.Add((body.Count, true)); body.Add(Jump(JEQ_K, lo, 0, 0));
                    break;
                case "SCMP_CMP_MASKED_EQ":
                    {
                        uint mlo = (uint)a.Value, mhi = (uint)(a.Value >> 32);
                        uint vlo = (uint)a.ValueTwo, vhi = (uint)(a.ValueTwo >> 32);
                        body.Add(Stmt(LD_W_ABS, hiOff)); body.Add(Stmt(AND_K, mhi));
                        fails.Add((body.Count, false)); body.Add(Jump(JEQ_K, vhi, 0, 0));
                        body.Add(Stmt(LD_W_ABS, loOff)); body.Add(Stmt(AND_K, mlo));
                        fails.Add((body.Count, false)); body.Add(Jump(JEQ_K, vlo, 0, 0));
                        break;
                    }
                default:
                    {
                        // unsigned 64-bit comparisons: decide on hi unless equal, then on lo
                        bool gt = a.Op is "SCMP_CMP_GT" or "SCMP_CMP_GE";
                        bool orEqual = a.Op is "SCMP_CMP_GE" or "SCMP_CMP_LE";
                        body.Add(Stmt(LD_W_ABS, hiOff));
                        // if hi == vhi -> test lo (jump +2 over the hi decision pair)
                        body.Add(Jump(JEQ_K, hi, 2, 0));
                        // hi > vhi ?
                        if (gt) { body.Add(Jump(JGT_K, hi, 3, 0)); fails.Add((body.Count, false)); body.Add(Jump(JA, 0, 0, 0)); }
                        else { fails.Add((body.Count, true)); body.Add(Jump(JGT_K, hi, 0, 3)); fails.Add((body.Count, false)); body.Add(Jump(JA, 0, 0, 0)); }
                        body.Add(Stmt(LD_W_ABS, loOff));
                        if (gt)
                        {
                            fails.Add((body.Count, false)); body.Add(Jump(orEqual ? JGE_K : JGT_K, lo, 0, 0));
                        }
                        else
                        {
                            // lo < vlo  == !(lo >= vlo); lo <= vlo == !(lo > vlo)
                            fails.Add((body.Count, true)); body.Add(Jump(orEqual ? JGT_K : JGE_K, lo, 0, 0));
                        }
                        break;
                    }
            }
        }
        body.Add(Stmt(RET_K, act));
        int failTarget = body.Count; // index of the reload instruction
        bool needReload = args is { Count: > 0 };
        if (needReload) body.Add(Stmt(LD_W_ABS, 0));
        // resolve: placeholders with jt/jf == 0 meaning "to FAIL"
        foreach (var (idx, isJt) in fails)
        {
            var ins = body[idx];
            int off = failTarget - idx - 1;
            if (off > 255) throw new RuntimeError("linux.seccomp: too many argument conditions in one rule");
            if (ins.Code == JA) ins.K = (uint)off;
            else if (isJt) ins.Jt = (byte)off; else ins.Jf = (byte)off;
            body[idx] = ins;
        }
        // the syscall number test skips the whole block (or up to the reload, which is harmless)
        int skip = needReload ? body.Count : body.Count;
        if (skip > 255) throw new RuntimeError("linux.seccomp: a rule is too large");
        prog.Add(Jump(JEQ_K, nr, 0, (byte)skip));
        prog.AddRange(body);
    }

    private static SockFilter Stmt(ushort code, uint k) => new() { Code = code, K = k };
    private static SockFilter Jump(ushort code, uint k, byte jt, byte jf) => new() { Code = code, K = k, Jt = jt, Jf = jf };

    /// <summary>Install the compiled filter with seccomp(2) (flags from the profile).</summary>
    public static void Install(SockFilter[] prog, List<string>? flags)
    {
        uint f = 0;
        foreach (var x in flags ?? new())
            f |= x switch { "SECCOMP_FILTER_FLAG_TSYNC" => 1u, "SECCOMP_FILTER_FLAG_LOG" => 2u, "SECCOMP_FILTER_FLAG_SPEC_ALLOW" => 4u, _ => 0u };
        fixed (SockFilter* p = prog)
        {
            byte* fprog = stackalloc byte[16];
            *(ushort*)fprog = (ushort)prog.Length;
            *(long*)(fprog + 8) = (long)p;
            long r = Native.Syscall(317 /*seccomp*/, 1 /*SECCOMP_SET_MODE_FILTER*/, f, (long)fprog);
            if (r < 0) throw new RuntimeError($"cannot install the seccomp filter: {Native.Strerror((int)-r)}", (int)-r);
        }
    }
}
