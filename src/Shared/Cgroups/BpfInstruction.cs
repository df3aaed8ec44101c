using System.Buffers.Binary;

namespace PsContainers.Cgroups;

/// <summary>
/// One eBPF instruction, struct bpf_insn of linux/bpf.h (8 bytes: opcode, dst_reg in the low and src_reg in the high
/// nibble of the second byte, a signed 16-bit offset and a signed 32-bit immediate, little-endian on x86-64), as the
/// kernel's Documentation/bpf/standardization/instruction-set.rst lays it out. Only the opcodes of the device program.
/// </summary>
internal readonly record struct BpfInstruction(byte Code, byte Dst, byte Src, short Off, int Imm)
{
    /// <summary>BPF_LDX | BPF_MEM | BPF_W: dst = *(u32 *)(src + off).</summary>
    public const byte LdxMemW = 0x61;
    /// <summary>BPF_ALU | BPF_AND | BPF_K: dst = (u32)dst &amp; imm.</summary>
    public const byte And32Imm = 0x54;
    /// <summary>BPF_ALU | BPF_RSH | BPF_K: dst = (u32)dst &gt;&gt; imm.</summary>
    public const byte Rsh32Imm = 0x74;
    /// <summary>BPF_ALU | BPF_MOV | BPF_K: dst = (u32)imm.</summary>
    public const byte Mov32Imm = 0xb4;
    /// <summary>BPF_ALU | BPF_MOV | BPF_X: dst = (u32)src.</summary>
    public const byte Mov32Reg = 0xbc;
    /// <summary>BPF_JMP | BPF_JNE | BPF_K: if dst != imm, skip off instructions.</summary>
    public const byte JneImm = 0x55;
    /// <summary>BPF_JMP | BPF_JNE | BPF_X: if dst != src, skip off instructions.</summary>
    public const byte JneReg = 0x5d;
    /// <summary>BPF_JMP | BPF_EXIT: return r0.</summary>
    public const byte Exit = 0x95;

    /// <summary>The 8 bytes of the instruction.</summary>
    public void WriteTo(Span<byte> dest)
    {
        dest[0] = Code;
        dest[1] = (byte)((Src << 4) | (Dst & 0x0f));
        BinaryPrimitives.WriteInt16LittleEndian(dest[2..], Off);
        BinaryPrimitives.WriteInt32LittleEndian(dest[4..], Imm);
    }

    /// <summary>A program as the kernel takes it (BPF_PROG_LOAD insns): 8 bytes per instruction.</summary>
    public static byte[] Encode(IReadOnlyList<BpfInstruction> program)
    {
        var bytes = new byte[program.Count * 8];
        for (int i = 0; i < program.Count; i++) program[i].WriteTo(bytes.AsSpan(i * 8, 8));
        return bytes;
    }
}
