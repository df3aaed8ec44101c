using System.Management.Automation;
using PsContainers.Core.Build;
using PsContainers.Core.Images;

namespace PsContainers;

public abstract partial class PscCmdlet
{
    /// <summary>
    /// Build an image (<see cref="ImageBuilder"/>) on a worker thread, the one way Build-ContainerImage and
    /// Start-ContainerProject's build step do it: each step a Write-Progress record under <paramref name="activity"/>
    /// ("running", "DONE", "CACHED"), RUN output as information records tagged "BuildOutput" and "Stdout"/"Stderr" and
    /// as verbose messages. Ctrl+C cancels (the running step's working container is removed, no tag is written).
    /// </summary>
    /// <exception cref="Core.PscException">What <see cref="ImageBuilder.Build"/> throws (BuildStepFailed, ...).</exception>
    protected ContainerImage BuildImage(ImageBuildOptions options, string activity)
    {
        var image = RunPumped((sink, ct) =>
        {
            var pump = (Pump)sink;
            var builder = new ImageBuilder(Engine, options, e => pump.Post(c => WriteStep(c, e, activity)), line => pump.Post(c =>
            {
                c.WriteInformation(new InformationRecord(line.Text, activity), ["BuildOutput", line.IsError ? "Stderr" : "Stdout"]);
                c.WriteVerbose(line.Text);
            }), sink);
            return builder.Build(ct);
        });
        WriteProgress(new ProgressRecord(1, activity, "Done") { RecordType = ProgressRecordType.Completed });
        return image;
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
