using System.Globalization;
using PsContainers.Cgroups;
using PsContainers.Core.Runtime.Spec;

namespace PsContainers.Core.Tests.Cgroups;

/// <summary>
/// The cgroup v2 device program (<see cref="DeviceFilter"/>, <see cref="DeviceRuleSet"/>) against the listings runc
/// documents in libcontainer/cgroups/devices/devicefilter_test.go (its cilium/ebpf disassembly: mnemonic, registers,
/// offset, immediate, and "&lt;block-N&gt;" jump targets). Each listing is assembled here into the kernel's 8-byte
/// struct bpf_insn encoding, jump targets resolved to offsets, and compared byte for byte with the generated program.
/// Enforcement in a real cgroup is checked by CgroupV2RuntimeTests in the cgroup v2 lane.
/// </summary>
public sealed class DeviceFilterTests
{
    private const string Prologue = """
        LdXMemW dst: r2 src: r1 off: 0 imm: 0
        AndImm32 dst: r2 imm: 65535
        LdXMemW dst: r3 src: r1 off: 0 imm: 0
        RShImm32 dst: r3 imm: 16
        LdXMemW dst: r4 src: r1 off: 4 imm: 0
        LdXMemW dst: r5 src: r1 off: 8 imm: 0
        """;

    /// <summary>runc's listing syntax to bytes: "block-N:" labels, one instruction per line, "&lt;block-N&gt;" jump targets.</summary>
    private static byte[] Assemble(string listing)
    {
        var lines = listing.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => !l.StartsWith("//")).ToList();
        var labels = new Dictionary<string, int>();
        var insns = new List<string>();
        foreach (var l in lines)
            if (l.EndsWith(':')) labels[l[..^1]] = insns.Count; else insns.Add(l);
        var bytes = new byte[insns.Count * 8];
        for (int i = 0; i < insns.Count; i++)
        {
            var w = insns[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            string Field(string name) { int k = Array.IndexOf(w, name + ":"); return k < 0 ? "0" : w[k + 1]; }
            byte Reg(string name) => byte.Parse(Field(name).TrimStart('r'), CultureInfo.InvariantCulture);
            byte code = w[0] switch
            {
                "LdXMemW" => 0x61, "AndImm32" => 0x54, "RShImm32" => 0x74, "MovImm32" => 0xb4, "MovReg32" => 0xbc,
                "JNEImm" => 0x55, "JNEReg" => 0x5d, "Exit" => 0x95, var m => throw new ArgumentException(m),
            };
            short off = short.Parse(Field("off"), CultureInfo.InvariantCulture);
            if (w[^1].StartsWith('<')) off = (short)(labels[w[^1].Trim('<', '>')] - i - 1);
            bytes[i * 8] = code;
            bytes[i * 8 + 1] = (byte)((Reg("src") << 4) | Reg("dst"));
            BitConverter.TryWriteBytes(bytes.AsSpan(i * 8 + 2, 2), off);
            BitConverter.TryWriteBytes(bytes.AsSpan(i * 8 + 4, 4), int.Parse(Field("imm"), CultureInfo.InvariantCulture));
        }
        return bytes;
    }

    private static byte[] Program(params (bool Allow, string Rule)[] rules)
    {
        var set = new DeviceRuleSet();
        foreach (var (allow, rule) in rules) set.Apply(allow, rule);
        return BpfInstruction.Encode(DeviceFilter.Build(set));
    }

    [Fact]
    public void NoRulesRejectEverything() =>
        Assert.Equal(Assemble(Prologue + "\nblock-0:\nMovImm32 dst: r0 imm: 0\nExit"), Program());

    [Fact]
    public void PrivilegedAcceptsEverything() =>
        Assert.Equal(Assemble(Prologue + "\nblock-0:\nMovImm32 dst: r0 imm: 1\nExit"), Program((true, "a *:* rwm")));

    [Fact]
    public void PrivilegedExceptSingleDevice() =>
        Assert.Equal(Assemble(Prologue + """

            block-0:
            JNEImm dst: r2 off: -1 imm: 1 <block-1>
            JNEImm dst: r4 off: -1 imm: 8 <block-1>
            JNEImm dst: r5 off: -1 imm: 0 <block-1>
            MovImm32 dst: r0 imm: 0
            Exit
            block-1:
            MovImm32 dst: r0 imm: 1
            Exit
            """), Program((true, "a *:* rwm"), (false, "b 8:0 rwm")));

    [Fact]
    public void AnAllRuleResetsWhatCameBefore() =>
        // runc's "Weird" case, as cgroup v1 does it: 8:1 is allowed again by "a", 8:2 stays denied
        Assert.Equal(Program((true, "a *:* rwm"), (false, "b 8:2 rwm")), Program((false, "b 8:1 rwm"), (true, "a *:* rwm"), (false, "b 8:2 rwm")));

    [Fact]
    public void RuncBuiltInAllowList_SortedBlocksWithAccessChecks()
    {
        static string Dev(int block, int major, int minor) => $"""
            block-{block}:
            JNEImm dst: r2 off: -1 imm: 2 <block-{block + 1}>
            JNEImm dst: r4 off: -1 imm: {major} <block-{block + 1}>
            JNEImm dst: r5 off: -1 imm: {minor} <block-{block + 1}>
            MovImm32 dst: r0 imm: 1
            Exit
            """;
        string expected = Prologue + """

            block-0:
            JNEImm dst: r2 off: -1 imm: 1 <block-1>
            MovReg32 dst: r1 src: r3
            AndImm32 dst: r1 imm: 1
            JNEReg dst: r1 off: -1 src: r3 <block-1>
            MovImm32 dst: r0 imm: 1
            Exit
            block-1:
            JNEImm dst: r2 off: -1 imm: 2 <block-2>
            MovReg32 dst: r1 src: r3
            AndImm32 dst: r1 imm: 1
            JNEReg dst: r1 off: -1 src: r3 <block-2>
            MovImm32 dst: r0 imm: 1
            Exit

            """ + Dev(2, 1, 3) + "\n" + Dev(3, 1, 5) + "\n" + Dev(4, 1, 7) + "\n" + Dev(5, 1, 8) + "\n" + Dev(6, 1, 9) + "\n"
            + Dev(7, 5, 0) + "\n" + Dev(8, 5, 2) + "\n" + Dev(9, 10, 200) + """

            block-10:
            JNEImm dst: r2 off: -1 imm: 2 <block-11>
            JNEImm dst: r4 off: -1 imm: 136 <block-11>
            MovImm32 dst: r0 imm: 1
            Exit
            block-11:
            MovImm32 dst: r0 imm: 0
            Exit
            """;
        // runc's specconv.AllowedDevices, in its order (the program sorts them: b before c, "*" first, then numbers)
        Assert.Equal(Assemble(expected), Program((true, "c *:* m"), (true, "b *:* m"), (true, "c 1:3 rwm"), (true, "c 1:8 rwm"),
            (true, "c 1:7 rwm"), (true, "c 5:0 rwm"), (true, "c 1:5 rwm"), (true, "c 1:9 rwm"), (true, "c 136:* rwm"),
            (true, "c 5:2 rwm"), (true, "c 10:200 rwm")));
    }

    [Fact]
    public void PscrunRulesFoldAsV1AppliesThem()
    {
        // deny all, then the config's allow of b 7:0 rw and a deny of its write; then what every container gets
        var rules = CgroupManager.DeviceRules(
            [new SpecDeviceCgroup { Allow = false, Access = "rwm" }, new SpecDeviceCgroup { Allow = true, Type = "b", Major = 7, Minor = 0, Access = "rw" },
             new SpecDeviceCgroup { Allow = false, Type = "b", Major = 7, Minor = 0, Access = "w" }],
            [new SpecDevice { Path = "/dev/fuse", Type = "c", Major = 10, Minor = 229 }]);
        var set = new DeviceRuleSet();
        foreach (var (allow, rule, _) in rules) set.Apply(allow, rule);
        Assert.False(set.DefaultAllow);
        var ex = set.Exceptions.Select(e => $"{e.Type} {e.Major}:{e.Minor} {e.Access}").ToList();
        Assert.Equal("b -1:-1 1", ex[0]);          // b *:* m
        Assert.Equal("b 7:0 2", ex[1]);            // read only: the write was taken away again
        Assert.Equal("c -1:-1 1", ex[2]);          // c *:* m
        Assert.Contains("c 10:229 7", ex);         // linux.devices: rwm
        Assert.Contains("c 5:1 7", ex);            // /dev/console
        Assert.Equal(14, ex.Count);
    }

    [Fact]
    public void ADenyRemovesOnlyTheExactExceptionNotAHoleInAWildcard()
    {
        var set = new DeviceRuleSet();
        set.Apply(true, "c 1:* rwm");
        set.Apply(false, "c 1:3 rwm");   // v1 keeps c 1:* whole
        set.Apply(false, "b 8:0 m");     // nothing to remove
        Assert.Equal([new DeviceRuleSet.Exception('c', 1, -1, DeviceRuleSet.AccessAll)], set.Exceptions);
        // a mknod-only denial once the wildcard's m is gone
        set.Apply(false, "c 1:* m");
        var p = DeviceFilter.Build(set);
        Assert.Contains(p, i => i.Code == BpfInstruction.And32Imm && i.Dst == 1 && i.Imm == (DeviceRuleSet.AccessRead | DeviceRuleSet.AccessWrite));
    }

    [Theory]
    [InlineData("x 1:3 rwm")]
    [InlineData("c 1:3 rwx")]
    [InlineData("c 1 rwm")]
    [InlineData("c -1:3 rwm")]
    public void MalformedRulesAreRefused(string rule) =>
        Assert.Throws<CgroupException>(() => new DeviceRuleSet().Apply(true, rule));

    [Fact]
    public void EncodingOfOneInstruction()
    {
        // struct bpf_insn: code, dst (low nibble) | src (high nibble), off (le16), imm (le32)
        Assert.Equal(new byte[] { 0x5d, 0x31, 0xfe, 0xff, 0, 0, 0, 0 }, BpfInstruction.Encode([new BpfInstruction(BpfInstruction.JneReg, 1, 3, -2, 0)]));
        Assert.Equal(new byte[] { 0x54, 0x02, 0, 0, 0xff, 0xff, 0, 0 }, BpfInstruction.Encode([new BpfInstruction(BpfInstruction.And32Imm, 2, 0, 0, 0xffff)]));
    }
}
