using System.Management.Automation;
using PsContainers.Core;
using PsContainers.Core.Kube;

namespace PsContainers.Commands;

/// <summary>
/// What Import-ContainerKube and Remove-ContainerKube share: -Path (manifest files, wildcards allowed, files piped from
/// Get-ChildItem by FullName), each file read and planned (<see cref="KubePlanner"/>) with the plan's warnings
/// written; a missing file is a KubeFileNotFound error, a bad manifest the planner's error, and the file is skipped.
/// </summary>
public abstract class ContainerKubeFileCmdletBase : PscCmdlet
{
    /// <summary>Kubernetes YAML files (one or more documents each); wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [SupportsWildcards]
    public string[] Path { get; set; } = [];

    protected override void ProcessRecord()
    {
        foreach (var p in Path)
            foreach (var f in ResolveKubeFiles(this, p))
                if (ForTarget(f, () => KubePlanner.Plan(File.ReadAllText(f), KubePlayer.FilesRoot(Paths), f), out var plan))
                {
                    if (WritesPlanWarnings) foreach (var w in plan.Warnings) WriteWarning(w);
                    Act(f, plan);
                }
    }

    /// <summary>Whether the plan's unsupported-field warnings are written (true: Import acts on the fields; Remove only deletes, silent as podman kube down).</summary>
    protected virtual bool WritesPlanWarnings => true;

    /// <summary>Carry out <paramref name="plan"/>, read from <paramref name="file"/>.</summary>
    protected abstract void Act(string file, KubePlayPlan plan);

    /// <summary>The files <paramref name="path"/> names (wildcards expanded); none, with a KubeFileNotFound error written, when there is none.</summary>
    internal static IEnumerable<string> ResolveKubeFiles(PSCmdlet cmdlet, string path)
    {
        try { return cmdlet.GetResolvedProviderPathFromPSPath(path, out _); }
        catch (ItemNotFoundException e)
        {
            cmdlet.WriteError(new ErrorRecord(e, ErrorIds.KubeFileNotFound, ErrorCategory.ObjectNotFound, path));
            return [];
        }
    }
}
