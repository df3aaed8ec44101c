using System.Management.Automation;
using PsContainers.Core;
using PsContainers.Core.Build;
using PsContainers.Core.Compose;
using PsContainers.Core.Images;

namespace PsContainers;

public abstract partial class PscCmdlet
{
    /// <summary>
    /// Build an image (<see cref="ImageBuilder"/>) on a worker thread, the one way Build-ContainerImage and
    /// Start-ContainerProject's build step do it: each step a Write-Progress record under <paramref name="activity"/>
    /// ("running", "DONE", "CACHED"), RUN output as information records tagged "BuildOutput" and "Stdout"/"Stderr" and
    /// as verbose messages, unless the information records are shown (-InformationAction Continue, or
    /// $InformationPreference): then a line would print twice with -Verbose, so it is written once, as information.
    /// Ctrl+C cancels (the running step's working container is removed, no tag is written).
    /// </summary>
    /// <exception cref="Core.PscException">What <see cref="ImageBuilder.Build"/> throws (BuildStepFailed, ...).</exception>
    protected ContainerImage BuildImage(ImageBuildOptions options, string activity)
    {
        bool informationShown = InformationShown();
        var image = RunPumped((sink, ct) =>
        {
            var pump = (Pump)sink;
            var builder = new ImageBuilder(Engine, options, e => pump.Post(c => WriteStep(c, e, activity)), line => pump.Post(c =>
            {
                c.WriteInformation(new InformationRecord(line.Text, activity), ["BuildOutput", line.IsError ? "Stderr" : "Stdout"]);
                if (!informationShown) c.WriteVerbose(line.Text);
            }), sink);
            return builder.Build(ct);
        });
        WriteProgress(new ProgressRecord(1, activity, "Done") { RecordType = ProgressRecordType.Completed });
        return image;
    }

    /// <summary>
    /// Build a compose service's <c>build:</c> section (<see cref="ProjectOrchestrator.BuildOptionsFor"/>) through
    /// <see cref="BuildImage"/>: the one way Start-ContainerProject -Build and Build-ContainerImage -Project do it. A
    /// <c>dockerfile_inline</c> is written to a temporary file, removed after. <paramref name="adjust"/> may change the
    /// options (Build-ContainerImage's -NoCache, -Pull).
    /// </summary>
    /// <exception cref="PscException">What <see cref="ImageBuilder.Build"/> and <see cref="ProjectOrchestrator.BuildOptionsFor"/>
    /// throw, with the service's name in the message (<see cref="ProjectOrchestrator.ForService"/>).</exception>
    protected ContainerImage BuildServiceImage(ContainerProject project, ContainerProjectService service, string activity, Func<ImageBuildOptions, ImageBuildOptions>? adjust = null)
    {
        string inline = Path.Combine(Path.GetTempPath(), $"psc-compose-{Guid.NewGuid():N}.Dockerfile");
        try
        {
            var options = ProjectOrchestrator.BuildOptionsFor(project, service, inline);
            return BuildImage(adjust is null ? options : adjust(options), activity);
        }
        catch (PscException e) { throw ProjectOrchestrator.ForService(service.Name, e); } // the message names the service
        finally { try { File.Delete(inline); } catch (IOException) { } }
    }

    /// <summary>Whether this cmdlet's information records are displayed: its -InformationAction, else $InformationPreference, is Continue or Inquire.</summary>
    private bool InformationShown()
    {
        object? pref = MyInvocation.BoundParameters.TryGetValue("InformationAction", out var bound) ? bound : GetVariableValue("InformationPreference");
        if (pref is PSObject p) pref = p.BaseObject;
        return pref is ActionPreference.Continue or ActionPreference.Inquire;
    }

    private static void WriteStep(PSCmdlet c, BuildStepEvent e, string activity)
    {
        string status = e.Cached switch { true => "CACHED", false => "DONE", null => "running" };
        var record = new ProgressRecord(1, activity, $"[{e.Stage}] step {e.Number}/{e.Total}: {status}")
        {
            CurrentOperation = $"{e.Location} {e.Instruction}",
            PercentComplete = e.Total == 0 ? -1 : Math.Clamp(100 * (e.Number - (e.Cached is null ? 1 : 0)) / e.Total, 0, 100),
        };
        c.WriteProgress(record);
        if (e.Cached is not null) c.WriteVerbose($"[{e.Stage}] {e.Location} {e.Instruction}: {status}{(e.ImageId is null ? "" : " " + Core.Util.Digest.Short(e.ImageId))}");
    }
}
