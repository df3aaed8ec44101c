using System.Management.Automation;
using PsContainers.Core;
using PsContainers.Core.Compose;

namespace PsContainers.Commands;

/// <summary>
/// Import-ContainerProject: load compose files into a <see cref="ContainerProject"/> (docker compose config, as
/// objects): interpolated, merged, normalized, profiles applied, checked. Nothing is created or started.
/// </summary>
[Cmdlet(VerbsData.Import, "ContainerProject", DefaultParameterSetName = "Path")]
[OutputType(typeof(ContainerProject))]
public sealed class ImportContainerProjectCommand : ContainerProjectCmdletBase
{
    protected override void ProcessRecord() => CollectPaths();

    protected override void EndProcessing()
    {
        var options = LoadOptions();
        if (ForTarget(options.Files.FirstOrDefault(), () => ComposeLoader.Load(options), out var project))
        {
            WriteFindings(project.Warnings);
            WriteObject(project);
        }
    }
}

/// <summary>
/// Export-ContainerProject: write a project as normalized compose YAML (docker compose config): long syntax,
/// absolute paths, env files folded in, every literal '$' as '$$', so the file loads back to the same project.
/// Without -Destination the YAML is written to the pipeline as one string.
/// </summary>
[Cmdlet(VerbsData.Export, "ContainerProject", DefaultParameterSetName = "Path", SupportsShouldProcess = true)]
[OutputType(typeof(string), typeof(FileInfo))]
public sealed class ExportContainerProjectCommand : ContainerProjectCmdletBase
{
    /// <summary>A project from Import-ContainerProject.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = "InputObject")]
    public ContainerProject? InputObject { get; set; }

    /// <summary>The file to write; omitted, the YAML goes to the pipeline.</summary>
    [Parameter(Position = 1)]
    [Alias("OutFile")]
    public string? Destination { get; set; }

    /// <summary>Overwrite an existing file.</summary>
    [Parameter] public SwitchParameter Force { get; set; }

    /// <summary>With -Destination: output the file written.</summary>
    [Parameter] public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == "InputObject") Write(InputObject!);
        else CollectPaths();
    }

    protected override void EndProcessing()
    {
        if (ParameterSetName == "InputObject") return;
        var options = LoadOptions();
        if (ForTarget(options.Files.FirstOrDefault(), () => ComposeLoader.Load(options), out var project))
        {
            WriteFindings(project.Warnings);
            Write(project);
        }
    }

    private void Write(ContainerProject project)
    {
        string yaml = ComposeYamlWriter.Write(project);
        if (Destination is null)
        {
            WriteObject(yaml);
            return;
        }
        string full = GetUnresolvedProviderPathFromPSPath(Destination);
        if (File.Exists(full) && !Force)
        {
            WriteError(new ErrorRecord(new IOException($"The file '{full}' already exists. Use -Force to overwrite it."), ErrorIds.FileExists, ErrorCategory.ResourceExists, full));
            return;
        }
        if (!ShouldProcess(full, $"Write the normalized compose file of project '{project.Name}'")) return;
        ForTarget(full, () =>
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            File.WriteAllText(full, yaml);
            if (PassThru) WriteObject(new FileInfo(full));
        });
    }
}

/// <summary>
/// Test-ContainerProject: whether compose files load (docker compose config -q): $true or $false; with -Detailed the
/// findings (the error that stops the load, and the warnings) as objects with file, line, severity, rule and message.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "ContainerProject", DefaultParameterSetName = "Path")]
[OutputType(typeof(bool), typeof(ContainerProjectFinding))]
public sealed class TestContainerProjectCommand : ContainerProjectCmdletBase
{
    /// <summary>Output the findings instead of $true/$false.</summary>
    [Parameter] public SwitchParameter Detailed { get; set; }

    protected override void ProcessRecord() => CollectPaths();

    protected override void EndProcessing()
    {
        // compose errors are findings; anything else (an unreadable file) is an error record, as for Import
        var options = LoadOptions();
        ForTarget(options.Files.FirstOrDefault(), () =>
        {
            var findings = ComposeLoader.Check(options, out var project);
            if (Detailed) WriteObject(findings, enumerateCollection: true);
            else WriteObject(project is not null);
        });
    }
}
