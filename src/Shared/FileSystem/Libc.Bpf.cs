namespace PsContainers.FileSystem;

/// <summary>bpf(2), which glibc does not wrap: the commands pscrun uses for the cgroup v2 device program.</summary>
internal static unsafe partial class Libc
{
    public const long SYS_bpf = 321;
    public const int BPF_PROG_LOAD = 5, BPF_PROG_ATTACH = 8, BPF_PROG_DETACH = 9, BPF_PROG_GET_FD_BY_ID = 13, BPF_PROG_QUERY = 16;
    /// <summary>enum bpf_prog_type BPF_PROG_TYPE_CGROUP_DEVICE and enum bpf_attach_type BPF_CGROUP_DEVICE.</summary>
    public const int BPF_PROG_TYPE_CGROUP_DEVICE = 15, BPF_CGROUP_DEVICE = 6;
    public const int BPF_F_ALLOW_MULTI = 2;

    /// <summary>bpf(<paramref name="cmd"/>, attr, size): the new fd or 0 on success, -1 with errno on failure.</summary>
    public static int bpf(int cmd, void* attr, uint size) => (int)syscall(SYS_bpf, cmd, (nint)attr, (nint)size, 0, 0, 0);
}
