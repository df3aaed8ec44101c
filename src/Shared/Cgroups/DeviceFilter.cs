using System.Runtime.InteropServices;
using PsContainers.FileSystem;

namespace PsContainers.Cgroups;

/// <summary>
/// cgroup v2's device allowlist: a BPF_PROG_TYPE_CGROUP_DEVICE program built from the device rules and attached to the
/// container's group with BPF_CGROUP_DEVICE (Documentation/admin-guide/cgroup-v2.rst "Device controller"). The kernel
/// runs it on every open(2) and mknod(2) of a device node in the group and refuses (EPERM) when it returns 0. The
/// program has runc's layout (libcontainer/cgroups/devices/devicefilter.go): a prologue loading struct
/// bpf_cgroup_dev_ctx (r2 = device type, r3 = access bits, r4 = major, r5 = minor), one block per exception of the
/// <see cref="DeviceRuleSet"/> (type, then the access unless it is rwm, then major and minor unless "*"; each
/// mismatch jumps to the next block, a match returns the exception's verdict), and a last block returning the default.
/// </summary>
internal static unsafe class DeviceFilter
{
    private const byte R0 = 0, R1 = 1, R2 = 2, R3 = 3, R4 = 4, R5 = 5;
    private static readonly byte[] License = "MIT\0"u8.ToArray();

    /// <summary>The program for <paramref name="rules"/> (at most 6 + 8 per exception + 2 instructions).</summary>
    public static List<BpfInstruction> Build(DeviceRuleSet rules)
    {
        var p = new List<BpfInstruction>
        {
            new(BpfInstruction.LdxMemW, R2, R1, 0, 0),      // access_type
            new(BpfInstruction.And32Imm, R2, 0, 0, 0xffff), // low 16 bits: BPF_DEVCG_DEV_BLOCK 1, _CHAR 2
            new(BpfInstruction.LdxMemW, R3, R1, 0, 0),
            new(BpfInstruction.Rsh32Imm, R3, 0, 0, 16),      // high 16 bits: BPF_DEVCG_ACC_* bits
            new(BpfInstruction.LdxMemW, R4, R1, 4, 0),      // major
            new(BpfInstruction.LdxMemW, R5, R1, 8, 0),      // minor
        };
        int verdict = rules.DefaultAllow ? 0 : 1;
        foreach (var e in rules.Exceptions)
        {
            var jumps = new List<int>();
            void JumpIfNot(BpfInstruction i) { jumps.Add(p.Count); p.Add(i); }
            JumpIfNot(new(BpfInstruction.JneImm, R2, 0, 0, e.Type == 'b' ? 1 : 2));
            if (e.Access != DeviceRuleSet.AccessAll)
            {
                // every requested bit must be in the exception: (r3 & access) == r3, with r1 as scratch
                p.Add(new(BpfInstruction.Mov32Reg, R1, R3, 0, 0));
                p.Add(new(BpfInstruction.And32Imm, R1, 0, 0, e.Access));
                JumpIfNot(new(BpfInstruction.JneReg, R1, R3, 0, 0));
            }
            if (e.Major >= 0) JumpIfNot(new(BpfInstruction.JneImm, R4, 0, 0, (int)(uint)e.Major));
            if (e.Minor >= 0) JumpIfNot(new(BpfInstruction.JneImm, R5, 0, 0, (int)(uint)e.Minor));
            p.Add(new(BpfInstruction.Mov32Imm, R0, 0, 0, verdict));
            p.Add(new(BpfInstruction.Exit, 0, 0, 0, 0));
            foreach (int j in jumps) p[j] = p[j] with { Off = checked((short)(p.Count - j - 1)) };
        }
        p.Add(new(BpfInstruction.Mov32Imm, R0, 0, 0, rules.DefaultAllow ? 1 : 0));
        p.Add(new(BpfInstruction.Exit, 0, 0, 0, 0));
        return p;
    }

    /// <summary>
    /// Load <paramref name="program"/> (bpf(2) BPF_PROG_LOAD) and attach it to the cgroup v2 directory
    /// <paramref name="cgroupDir"/> with BPF_F_ALLOW_MULTI, then detach the device programs attached there before (an
    /// update replaces the rules; the new program is in place before the old one goes, so no device opens up between).
    /// Throws <see cref="CgroupException"/> with the errno (and the verifier's log when the load fails).
    /// </summary>
    public static void Attach(string cgroupDir, IReadOnlyList<BpfInstruction> program)
    {
        byte[] code = BpfInstruction.Encode(program);
        byte[] path = Libc.CString(cgroupDir)!;
        int cg;
        fixed (byte* pp = path) cg = Libc.openat(Libc.AT_FDCWD, pp, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
        if (cg < 0) throw Fail($"cannot open cgroup '{cgroupDir}'", Libc.Errno);
        int prog = -1;
        try
        {
            uint[] old = Query(cg);
            prog = Load(code, program.Count);
            byte* attr = stackalloc byte[128];
            new Span<byte>(attr, 128).Clear();
            *(uint*)attr = (uint)cg;                         // target_fd
            *(uint*)(attr + 4) = (uint)prog;                 // attach_bpf_fd
            *(uint*)(attr + 8) = Libc.BPF_CGROUP_DEVICE;     // attach_type
            *(uint*)(attr + 12) = Libc.BPF_F_ALLOW_MULTI;    // attach_flags
            if (Libc.bpf(Libc.BPF_PROG_ATTACH, attr, 128) < 0) throw Fail("cannot attach the device program", Libc.Errno);
            foreach (uint id in old) Detach(cg, id);
        }
        finally
        {
            if (prog >= 0) Libc.close(prog);
            Libc.close(cg);
        }
    }

    private static int Load(byte[] code, int count)
    {
        byte* attr = stackalloc byte[128];
        const int logSize = 1 << 16;
        byte[] log = new byte[logSize];
        fixed (byte* insns = code)
        fixed (byte* lic = License)
        fixed (byte* lb = log)
        {
            for (int attempt = 0; attempt < 2; attempt++)
            {
                new Span<byte>(attr, 128).Clear();
                *(uint*)attr = Libc.BPF_PROG_TYPE_CGROUP_DEVICE; // prog_type
                *(uint*)(attr + 4) = (uint)count;                // insn_cnt
                *(ulong*)(attr + 8) = (ulong)insns;              // insns
                *(ulong*)(attr + 16) = (ulong)lic;               // license
                if (attempt == 1)
                {
                    *(uint*)(attr + 24) = 1;                     // log_level: ask the verifier why, on the retry
                    *(uint*)(attr + 28) = logSize;
                    *(ulong*)(attr + 32) = (ulong)lb;
                }
                int fd = Libc.bpf(Libc.BPF_PROG_LOAD, attr, 128);
                if (fd >= 0) return fd;
                int e = Libc.Errno;
                if (attempt == 1 || e is not (22 /*EINVAL*/ or 13 /*EACCES*/))
                {
                    string why = System.Text.Encoding.UTF8.GetString(log).TrimEnd('\0').Trim();
                    throw Fail("cannot load the device program" + (why.Length > 0 ? $" ({why})" : ""), e);
                }
            }
        }
        throw new CgroupException("cannot load the device program");
    }

    /// <summary>The ids of the device programs attached to the group itself (BPF_PROG_QUERY), empty when none.</summary>
    private static uint[] Query(int cg)
    {
        uint* ids = stackalloc uint[64];
        byte* attr = stackalloc byte[128];
        new Span<byte>(attr, 128).Clear();
        *(uint*)attr = (uint)cg;                      // target_fd
        *(uint*)(attr + 4) = Libc.BPF_CGROUP_DEVICE; // attach_type
        *(ulong*)(attr + 16) = (ulong)ids;           // prog_ids
        *(uint*)(attr + 24) = 64;                    // prog_cnt
        if (Libc.bpf(Libc.BPF_PROG_QUERY, attr, 128) < 0) throw Fail("cannot query the device programs", Libc.Errno);
        return new Span<uint>(ids, (int)Math.Min(64, *(uint*)(attr + 24))).ToArray();
    }

    private static void Detach(int cg, uint id)
    {
        byte* attr = stackalloc byte[128];
        new Span<byte>(attr, 128).Clear();
        *(uint*)attr = id;                                    // prog_id
        int fd = Libc.bpf(Libc.BPF_PROG_GET_FD_BY_ID, attr, 128);
        if (fd < 0) throw Fail($"cannot open device program {id}", Libc.Errno);
        try
        {
            new Span<byte>(attr, 128).Clear();
            *(uint*)attr = (uint)cg;                          // target_fd
            *(uint*)(attr + 4) = (uint)fd;                    // attach_bpf_fd
            *(uint*)(attr + 8) = Libc.BPF_CGROUP_DEVICE;      // attach_type
            if (Libc.bpf(Libc.BPF_PROG_DETACH, attr, 128) < 0) throw Fail($"cannot detach device program {id}", Libc.Errno);
        }
        finally { Libc.close(fd); }
    }

    private static CgroupException Fail(string what, int errno) =>
        new($"linux.resources.devices: {what}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
}
