using System.Management.Automation;
using PsContainers.Core;
using PsContainers.Core.Kube;

namespace PsContainers.Commands;

/// <summary>
/// ConvertTo-ContainerKubeYaml: Kubernetes manifests for containers and compose projects (podman kube generate; for
/// projects, what kompose does): one Pod or Deployment per container or service, PersistentVolumeClaims for named
/// volumes, ConfigMaps for env files, Services for published ports with -Service. The YAML is one string, stable for
/// the same input (sorted keys, no timestamps); what cannot be carried over exactly is written as warnings.
/// </summary>
[Cmdlet(VerbsData.ConvertTo, "ContainerKubeYaml", DefaultParameterSetName = "InputObject")]
[OutputType(typeof(string))]
public sealed class ConvertToContainerKubeYamlCommand : ContainerKubeCmdletBase
{
    protected override void EndProcessing()
    {
        if (Convert() is { } manifest) WriteObject(manifest.Yaml);
        base.EndProcessing();
    }
}

/// <summary>
/// Export-ContainerKube: ConvertTo-ContainerKubeYaml written to a file. An existing file is kept unless -Force;
/// -NoClobber keeps it even with -Force.
/// </summary>
[Cmdlet(VerbsData.Export, "ContainerKube", DefaultParameterSetName = "InputObject", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportContainerKubeCommand : ContainerKubeCmdletBase
{
    /// <summary>The file to write (its directory must exist unless -Force).</summary>
    [Parameter(Mandatory = true)]
    [Alias("OutFile", "FilePath")]
    public string Path { get; set; } = "";

    /// <summary>Overwrite an existing file and create a missing directory.</summary>
    [Parameter] public SwitchParameter Force { get; set; }

    /// <summary>Never overwrite an existing file, even with -Force.</summary>
    [Parameter] public SwitchParameter NoClobber { get; set; }

    /// <summary>Output the file written.</summary>
    [Parameter] public SwitchParameter PassThru { get; set; }

    protected override void EndProcessing()
    {
        var manifest = Convert();
        base.EndProcessing();
        if (manifest is null) return;
        string full = GetUnresolvedProviderPathFromPSPath(Path);
        bool exists = File.Exists(full);
        // asked first, as Out-File does: -WhatIf says what would be written, even over an existing file
        if (!ShouldProcess(full, $"{(exists ? "Overwrite the file with" : "Write")} the Kubernetes manifest ({string.Join(", ", manifest.Objects)})")) return;
        if (exists && (NoClobber || !Force))
        {
            string why = NoClobber ? "-NoClobber was given" : "use -Force to overwrite it";
            WriteError(new ErrorRecord(new IOException($"The file '{full}' already exists; {why}."), ErrorIds.FileExists, ErrorCategory.ResourceExists, full));
            return;
        }
        string? dir = System.IO.Path.GetDirectoryName(full);
        if (!Force && dir is not null && !Directory.Exists(dir))
        {
            WriteError(new ErrorRecord(new DirectoryNotFoundException($"The directory '{dir}' of '{full}' does not exist."), ErrorIds.DirectoryNotFound,
                ErrorCategory.ObjectNotFound, full) { ErrorDetails = new ErrorDetails($"The directory '{dir}' of '{full}' does not exist.") { RecommendedAction = "Create the directory, or use -Force to create it." } });
            return;
        }
        ForTarget(full, () =>
        {
            if (Force && dir is not null) Directory.CreateDirectory(dir);
            File.WriteAllText(full, manifest.Yaml);
            // the provider's item, as Get-Item gives it (PSPath, Mode and the file system views)
            if (PassThru) WriteObject(InvokeProvider.Item.Get(WildcardPattern.Escape(full)), true);
        });
    }
}

/// <summary>
/// Test-ContainerKube: offline structural and name checks of Kubernetes manifests (<see cref="KubeValidator"/>):
/// one finding object per problem (Severity, Kind, Name, Path, Message, Line), nothing when the manifests pass.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "ContainerKube", DefaultParameterSetName = "Yaml")]
[OutputType(typeof(KubeFinding))]
public sealed class TestContainerKubeCommand : PscCmdlet
{
    /// <summary>Manifest files; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path", ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [SupportsWildcards]
    public string[] Path { get; set; } = [];

    /// <summary>Manifest text (the output of ConvertTo-ContainerKubeYaml).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Yaml", ValueFromPipeline = true)]
    [AllowEmptyString]
    public string Yaml { get; set; } = "";

    protected override void ProcessRecord()
    {
        if (ParameterSetName == "Yaml")
        {
            WriteObject(KubeValidator.Check(Yaml), enumerateCollection: true);
            return;
        }
        foreach (var p in Path)
        {
            foreach (var f in ContainerKubeFileCmdletBase.ResolveKubeFiles(this, p))
                if (ForTarget(f, () => File.ReadAllText(f), out var text))
                    WriteObject(KubeValidator.Check(text, f), enumerateCollection: true);
        }
    }
}
