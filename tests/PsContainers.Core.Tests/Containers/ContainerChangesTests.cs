using System.Runtime.InteropServices;
using PsContainers.Core.Containers;
using PsContainers.FileSystem;

namespace PsContainers.Core.Tests.Containers;

/// <summary>docker diff over overlay directories built by hand (whiteouts, opaque directories, links), as root.</summary>
public sealed class ContainerChangesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("psc-diff-").FullName;
    private string Base => Path.Combine(_dir, "base");
    private string Top => Path.Combine(_dir, "top");
    private string Upper => Path.Combine(_dir, "upper");

    public ContainerChangesTests()
    {
        foreach (var d in new[] { Base, Top, Upper }) Directory.CreateDirectory(d);
    }

    public void Dispose() => SafeTree.Delete(_dir);

    private static void File_(string root, string rel, string text = "x")
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, rel))!);
        File.WriteAllText(Path.Combine(root, rel), text);
    }

    private static void Whiteout(string root, string rel)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, rel))!);
        using var parent = SafeFd.OpenDirectory(Path.GetDirectoryName(Path.Combine(root, rel))!);
        Fs.Mknod(parent, BytePath.FromString(Path.GetFileName(rel)), 0x2000 /* S_IFCHR */ | 0x180, 0);
    }

    private static void Opaque(string root, string rel)
    {
        using var dir = SafeFd.OpenDirectory(root);
        Fs.SetXattr(dir, BytePath.FromString(rel), "trusted.overlay.opaque"u8, "y"u8);
    }

    private List<string> Diff(params string[] mountPoints) =>
        ContainerChanges.Compute(Upper, [Base, Top], mountPoints).Select(c => c.ToString()).ToList();

    [Fact]
    public void Added_changed_and_deleted_as_docker_reports_them()
    {
        File_(Base, "etc/passwd"); File_(Base, "bin/ls"); File_(Base, "bin/cat");
        File_(Upper, "etc/passwd", "changed");
        File_(Upper, "tmp/new");
        Whiteout(Upper, "bin/ls");
        Assert.Equal(new[] { "C /bin", "D /bin/ls", "C /etc", "C /etc/passwd", "A /tmp", "A /tmp/new" }, Diff());
    }

    [Fact]
    public void The_image_is_the_merged_layers_with_their_own_whiteouts_and_opaque_directories()
    {
        File_(Base, "a/old"); File_(Base, "d/inside"); File_(Base, "gone");
        // the top image layer deletes /gone and makes /d opaque (its /d/inside is hidden)
        Whiteout(Top, "gone");
        Directory.CreateDirectory(Path.Combine(Top, "d"));
        Opaque(Top, "d");
        File_(Upper, "gone");       // the container re-creates a path the image had deleted: Added
        File_(Upper, "d/inside");   // hidden by the opaque directory in the image: Added
        File_(Upper, "a/old", "y"); // present in the base, untouched above: Changed
        Assert.Equal(new[] { "C /a", "C /a/old", "C /d", "A /d/inside", "A /gone" }, Diff());
    }

    [Fact]
    public void A_link_in_the_image_is_never_followed_when_looking_paths_up()
    {
        // the image has /lib -> a sibling directory outside the layer holding "x"; the container made a real /lib/x
        string outside = Path.Combine(_dir, "outside");
        File_(outside, "x");
        File.CreateSymbolicLink(Path.Combine(Base, "lib"), "../outside");
        File_(Upper, "lib/x");
        Assert.Equal(new[] { "C /lib", "A /lib/x" }, Diff());
    }

    [Fact]
    public void A_link_in_the_containers_layer_is_reported_not_entered()
    {
        string outside = Path.Combine(_dir, "outside");
        File_(outside, "secret");
        File.CreateSymbolicLink(Path.Combine(Upper, "escape"), "../outside");
        Assert.Equal(new[] { "A /escape" }, Diff());
    }

    [Fact]
    public void Mount_points_the_runtime_made_are_not_changes()
    {
        File_(Base, "etc/passwd");
        File_(Upper, "etc/hostname", "");      // an empty mount point for /etc/hostname
        Directory.CreateDirectory(Path.Combine(Upper, "data")); // an empty mount point for a volume
        Assert.Equal(Array.Empty<string>(), Diff("/etc/hostname", "/data"));
        // a mount point that has content is the container's own file
        File.WriteAllText(Path.Combine(Upper, "etc/hostname"), "mine");
        Assert.Equal(new[] { "C /etc", "A /etc/hostname" }, Diff("/etc/hostname", "/data"));
        // and without the list, everything in the upper layer is reported
        File.WriteAllText(Path.Combine(Upper, "etc/hostname"), "");
        Assert.Equal(new[] { "A /data", "C /etc", "A /etc/hostname" }, Diff());
    }

    [Fact]
    public void The_runtimes_mount_targets_for_a_commit_include_the_directories_copied_up_only_to_hold_them()
    {
        File_(Base, "etc/passwd");
        File_(Base, "run/keep");
        Directory.CreateDirectory(Path.Combine(Base, "opt"));
        File_(Upper, "etc/hosts", "");                                // runtime-made, in a directory the image has
        File_(Upper, "etc/resolv.conf", "");
        Directory.CreateDirectory(Path.Combine(Upper, "data"));       // a volume target the image lacks
        File_(Upper, "run/token", "");
        File_(Upper, "opt/x/token", "");                              // below a directory the image lacks
        string[] targets = ["/etc/hosts", "/etc/resolv.conf", "/data", "/run/token", "/opt/x/token"];
        var set = ContainerChanges.RuntimeMountTargets(Upper, [Base, Top], targets);
        Assert.Equal(new[] { "data", "etc", "etc/hosts", "etc/resolv.conf", "opt/x/token", "run", "run/token" }, set.Order(StringComparer.Ordinal));

        // a directory that holds something else, or whose mode the container changed, is a real change
        File_(Upper, "etc/mine");
        File.SetUnixFileMode(Path.Combine(Base, "run"), (UnixFileMode)0x1ed);
        File.SetUnixFileMode(Path.Combine(Upper, "run"), (UnixFileMode)0x1c0);
        set = ContainerChanges.RuntimeMountTargets(Upper, [Base, Top], targets);
        Assert.Equal(new[] { "data", "etc/hosts", "etc/resolv.conf", "opt/x/token", "run/token" }, set.Order(StringComparer.Ordinal));
        // a mount target with content is the container's file
        File.WriteAllText(Path.Combine(Upper, "etc/hosts"), "mine");
        Assert.DoesNotContain("etc/hosts", ContainerChanges.RuntimeMountTargets(Upper, [Base, Top], ["/etc/hosts"]));
        Assert.Empty(ContainerChanges.RuntimeMountTargets(Path.Combine(_dir, "missing"), [Base], ["/etc/hosts"]));
    }

    [Fact]
    public void With_the_stamps_taken_before_the_run_a_holder_directory_the_process_touched_is_a_change()
    {
        File_(Base, "etc/passwd");
        Directory.CreateDirectory(Path.Combine(Base, "srv"));
        File_(Upper, "etc/hosts", "");                                // the runtime's, in a directory copied up to hold it
        File_(Upper, "etc/resolv.conf", "");
        File_(Upper, "srv/token", "");
        string[] targets = ["/etc/hosts", "/etc/resolv.conf", "/srv/token"];
        Dictionary<string, DirectoryStamp> Stamps() { using var u = SafeFd.OpenDirectory(Upper); return DirectoryStamps.Record(u); }
        var before = Stamps();
        string[] all = ["etc", "etc/hosts", "etc/resolv.conf", "srv", "srv/token"];
        // untouched since: the runtime's
        Assert.Equal(all, ContainerChanges.RuntimeMountTargets(Upper, [Base], targets, before).Order(StringComparer.Ordinal));
        // touched (mtime and ctime move, mode and owner stay the image's): the command's change
        Directory.SetLastWriteTimeUtc(Path.Combine(Upper, "etc"), DateTime.UtcNow);
        Assert.Equal(new[] { "etc/hosts", "etc/resolv.conf", "srv", "srv/token" },
            ContainerChanges.RuntimeMountTargets(Upper, [Base], targets, before).Order(StringComparer.Ordinal));
        // without stamps (docker commit) it is still taken for a holder, as before
        Assert.Contains("etc", ContainerChanges.RuntimeMountTargets(Upper, [Base], targets));
        // a holder the snapshot does not know (the process copied it up, not the runtime): a change
        before.Remove("srv");
        Assert.DoesNotContain("srv", ContainerChanges.RuntimeMountTargets(Upper, [Base], targets, before));
    }

    [Fact]
    public void A_container_never_started_has_no_changes() =>
        Assert.Empty(ContainerChanges.Compute(Path.Combine(_dir, "missing"), [Base]));
}
