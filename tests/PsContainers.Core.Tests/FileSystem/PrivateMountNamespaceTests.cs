using System.Runtime.InteropServices;

namespace PsContainers.Core.Tests.FileSystem;

/// <summary>
/// The harness itself: what a hostile link can reach from inside <see cref="PrivateMountNamespace.Run"/>.
/// Only access(2) and stat(2) are used: nothing is opened for writing.
/// </summary>
public sealed partial class PrivateMountNamespaceTests
{
    [LibraryImport("libc", EntryPoint = "access", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int access(string path, int mode);
    private const int W_OK = 2;

    [Fact]
    public void No_block_device_of_the_machine_is_writable_inside()
    {
        // a read-only mount does not protect device nodes: before /dev was covered, /dev/vda stayed writable
        var disks = Directory.Exists("/sys/class/block") ? Directory.GetFileSystemEntries("/sys/class/block").Select(Path.GetFileName).ToArray() : [];
        string[] reachable = PrivateMountNamespace.Run(() =>
            disks.Concat(["kmsg", "mem", "port"]).Where(d => access("/dev/" + d, W_OK) == 0).ToArray());
        Assert.Empty(reachable);
    }

    [Fact]
    public void Harmless_character_devices_are_still_there()
    {
        bool ok = PrivateMountNamespace.Run(() =>
        {
            File.WriteAllText("/dev/null", "x");
            using var z = File.OpenRead("/dev/zero");
            return z.ReadByte() == 0;
        });
        Assert.True(ok);
    }
}
