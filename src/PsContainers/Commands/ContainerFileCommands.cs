using PsContainers.Completers;
using System.Management.Automation;
using PsContainers.Core;
using PsContainers.Core.Containers;

namespace PsContainers.Commands;

/// <summary>
/// Copy-ContainerItem: copy files between a container and the host (docker cp). One side is written
/// 'container:/path'. Paths inside the container are resolved inside its root, so a symlink in the
/// container never reaches a host file outside it.
/// </summary>
[Cmdlet(VerbsCommon.Copy, "ContainerItem", SupportsShouldProcess = true)]
[OutputType(typeof(void))]
public sealed class CopyContainerItemCommand : ContainerCmdletBase
{
    /// <summary>The source: a host path or 'container:/path'.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ContainerPathCompleter))]
    public string Path { get; set; } = "";

    /// <summary>The destination: a host path or 'container:/path'.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ContainerPathCompleter))]
    public string Destination { get; set; } = "";

    private (Container? C, string Path) Split(string spec)
    {
        int colon = spec.IndexOf(':');
        if (colon <= 0 || spec.StartsWith('/') || spec.StartsWith('.') || spec.StartsWith('~')) return (null, spec);
        string name = spec[..colon];
        // the one naming rule (TargetSelector): a name, full id or unique id prefix, taken literally as docker cp does;
        // ContainerNotFound or AmbiguousContainerId otherwise, turned into this target's error by ForTarget
        var c = Targets.Selector.Resolve(name, wildcards: false)[0];
        string p = spec[(colon + 1)..];
        return (c, p.StartsWith('/') ? p : "/" + p);
    }

    protected override void ProcessRecord() => ForTarget(Path, () =>
        {
            var (sc, sp) = Split(Path);
            var (dc, dp) = Split(Destination);
            if ((sc is null) == (dc is null))
                throw PscException.InvalidArgument(ErrorIds.InvalidCopy, "Exactly one of -Path and -Destination must be 'container:/path'.", Path);
            if (sc is not null)
            {
                string host = GetUnresolvedProviderPathFromPSPath(dp);
                if (!ShouldProcess(host, $"Copy {sc.Name}:{sp}")) return;
                Engine.Files.CopyFrom(sc, sp, host, CancellationToken);
            }
            else
            {
                string host = GetUnresolvedProviderPathFromPSPath(sp);
                if (!ShouldProcess($"{dc!.Name}:{dp}", $"Copy {host}")) return;
                Engine.Files.CopyTo(dc, host, dp, CancellationToken);
            }
        });
}

/// <summary>Export-Container: the container's filesystem as a tar archive (docker export).</summary>
[Cmdlet(VerbsData.Export, "Container", SupportsShouldProcess = true, DefaultParameterSetName = "Name")]
[OutputType(typeof(FileInfo))]
public sealed class ExportContainerCommand : ContainerTargetCmdletBase
{
    /// <summary>The tar file to write.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [Alias("Output", "Path")]
    [ValidateNotNullOrEmpty]
    public string OutputPath { get; set; } = "";

    protected override void Act(Container c)
    {
        string path = GetUnresolvedProviderPathFromPSPath(OutputPath);
        if (!ShouldProcess(path, $"Export container '{c.Name}'")) return;
        string tmp = path + ".partial";
        try
        {
            using (var fs = File.Create(tmp)) Engine.Files.Export(c, fs, CancellationToken);
            File.Move(tmp, path, true);
        }
        catch { try { File.Delete(tmp); } catch (IOException) { } throw; }
        WriteObject(new FileInfo(path));
    }
}
